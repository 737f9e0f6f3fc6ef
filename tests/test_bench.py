"""The benchmark's report (bench/run.py): what it compares with what. (CI runs the whole
benchmark at tiny scales; these check the arithmetic of its tables.)"""

from bench import run


def _requests(**p50s):
    return {page: {"url": "/", "queries": 5, "samples": 30, "p50_ms": p50, "p95_ms": p50 * 2}
            for page, p50 in p50s.items()}


def test_the_small_school_has_a_seed_of_its_own_so_it_can_join_the_large_database():
    assert run.seeds({"small": (1, 50, 4), "large": (50, 300, 4)}, 1) == {"small": 2, "large": 1}
    assert run.seeds({"tiny": (1, 3, 1), "tiny2": (2, 5, 1)}, 7) == {"tiny": 8, "tiny2": 7}


def test_the_same_school_is_compared_alone_and_among_the_large_scales_schools():
    results = {"small": {"requests": _requests(register=20.0, map=10.0)},
               "large": {"requests": _requests(register=40.0, map=30.0)}}
    same_school = {"database": "large", "scale": {"sen_pupils": 50, "years": 4},
                   "requests": _requests(register=22.0, map=11.5)}

    header, register, map_ = run.same_school_lines(results, same_school)

    assert header.split()[-3:] == ["alone", "among", "ratio"]
    assert register.split()[-3:] == ["20.0", "22.0", "1.10x"]
    assert map_.split()[-3:] == ["10.0", "11.5", "1.15x"]
