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


def _result(sen_pupils, **p50s):
    return {"scale": {"sen_pupils": sen_pupils}, "requests": _requests(**p50s),
            "pdf": {"plan_pdf_ms": 50.0, "weasyprint_alone_ms": 45.0, "ratio": 1.11}}


def test_each_line_of_the_budget_judges_the_figures_it_names():
    results = {"small": _result(50, **{"trivial view (floor)": 4.0, "register": 30.0,
                                       "provision map": 20.0}),
               "large": _result(300, **{"trivial view (floor)": 4.0, "register": 50.0,
                                        "provision map": 130.0})}
    same_school = {"requests": _requests(register=36.0, **{"provision map": 21.0})}
    verdicts = {figures.split(":")[0] + " " + limit: ok
                for figures, limit, ok in run.verdicts(results, same_school)}
    assert verdicts["register same at both scales"] is True
    assert verdicts["register <= 1.15x"] is False  # 36 against 30 alone
    assert verdicts["provision map <= 1.15x"] is True  # 21 against 20
    assert verdicts["register <= 12x"] is False  # 50 ms against a floor of 4
    assert verdicts["provision map at most linear"] is False  # 43.3 per 100 against 40
    assert "register at most linear" not in verdicts  # a page of 50, not the school
    assert verdicts["plan PDF 50.0 ms vs WeasyPrint 45.0 ms <= 1.25x"] is True
    assert run.per_hundred_pupils(results["large"], "provision map") == 130.0 / 3


def test_the_load_line_judges_the_most_clients():
    results = {"small": _result(50, **{"trivial view (floor)": 4.0, "register": 30.0}),
               "large": _result(300, **{"trivial view (floor)": 4.0, "register": 30.0})}
    same_school = {"requests": _requests(register=30.0)}

    def load(p95, errors):
        figures = {"per_second": 20.0, "p50_ms": 300.0, "p95_ms": p95, "p99_ms": p95,
                   "errors": errors}
        measured = {"server": "gunicorn", "cpus": 2, "seconds_each": 60,
                    "clients": {"10": figures | {"p95_ms": 400.0}, "30": figures}}
        back_to_back = measured | {"clients": {"30": figures | {"p95_ms": 9000.0}}}
        return {"back to back": back_to_back, "3 s pauses": measured}

    def verdict(p95, errors):
        (line,) = [(figures, ok) for figures, _, ok in
                   run.verdicts(results, same_school, load=load(p95, errors))
                   if figures.startswith("30 clients")]
        return line

    assert verdict(900.0, 0) == ("30 clients, 3 s pauses: p95 900.0 ms, 0 errors", True)
    assert verdict(1200.0, 0)[1] is False
    assert verdict(500.0, 1)[1] is False
    lines = run.load_lines(load(900.0, 0))
    assert lines[-1].split() == ["3", "s", "pauses", "30", "20.0", "300.0", "900.0", "900.0",
                                 "0"]
    assert lines[-3].split()[:4] == ["back", "to", "back", "30"]


def test_the_print_is_judged_where_the_school_has_three_hundred_plans():
    def judged(plans, seconds):
        large = _result(300, **{"trivial view (floor)": 4.0}) | {"print": {
            "plans": plans, "pages": plans * 2, "seconds": seconds, "processes": 2}}
        results = {"small": _result(50, **{"trivial view (floor)": 4.0}), "large": large}
        return [(figures, ok) for figures, _, ok in run.verdicts(results, {"requests": {}})
                if figures.startswith("print of")]

    assert judged(300, 41.5) == [("print of 300 plans: 41.5 s with 2 worker processes", True)]
    assert judged(300, 61.0)[0][1] is False
    assert judged(12, 3.0) == []  # too few to judge
