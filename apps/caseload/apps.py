from django.apps import AppConfig


class CaseloadConfig(AppConfig):
    """The SENCO's pages that bring the caseload together: the SEN register, the pupil page,
    meetings with parents, and the daily digest of what needs doing. Downstream of every
    domain app (pupils, plans, reviews, money, parents, escalation): it reads what each
    offers per pupil or per page of pupils, and none of them reads it."""

    name = "apps.caseload"
    label = "caseload"
    verbose_name = "Caseload"
