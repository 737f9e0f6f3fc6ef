"""The school's reports: the SEN information report, drafted from the records and the
school's words, on a page, as a PDF and as HTML for the school's website; and the
inclusion pack for inspection, for a pupil and for the school."""

import datetime

from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from apps.pupils.views import PupilPage
from apps.schools.calendar import Period, school_year
from apps.schools.roles import Action, role_may
from apps.schools.views import FormPage, SchoolView
from backend.pdf import render_pdf

from .forms import ReportWordsForm
from .inclusion_pack import pupil_pack, school_pack
from .information_report import report, report_words_save, year_asked


def report_url(school, year: int) -> str:
    return (reverse("caseload:information_report", kwargs={"school": school.slug})
            + f"?year={year}")


class ReportYear:
    """The school year in ``?year=`` (this one if absent) and the day in ``?on=`` the
    figures are drawn for (today if absent); anything else is a 404, as for a budget
    year."""

    @cached_property
    def year(self):
        found = year_asked(self.request.GET.get("year"), timezone.localdate())
        if found is None:
            raise Http404("No such school year.")
        return found

    @cached_property
    def on(self) -> datetime.date | None:
        asked = self.request.GET.get("on")
        if not asked:
            return None
        try:
            return datetime.date.fromisoformat(asked)
        except ValueError:
            raise Http404("No such day.") from None


class InformationReportView(ReportYear, SchoolView, TemplateView):
    """The report for a school year: the figures as the records stood on a day, and the
    school's words. ``?download=pdf`` or ``html`` gives the document to publish."""

    action = Action.SEE_SCHOOL_REPORTS
    template_name = "caseload/information_report.html"

    def get(self, request, *args, **kwargs):
        self.report = report(self.school, self.year, on=self.on)
        download = request.GET.get("download")
        if download in ("pdf", "html"):
            context = {"report": self.report, "school": self.school, "document": True}
            name = f"sen-information-report-{self.report.year.start.year}"
            if download == "pdf":
                response = HttpResponse(
                    render_pdf("caseload/information_report_document.html", context),
                    content_type="application/pdf")
            else:
                response = HttpResponse(
                    render_to_string("caseload/information_report_document.html", context),
                    content_type="text/html; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.{download}"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        this_year = year_asked(None, timezone.localdate()).start.year
        return super().get_context_data(**kwargs) | {
            "report": self.report, "years": range(this_year, this_year - 6, -1),
            "may_write": role_may(self.membership.role, Action.MANAGE_SCHOOL),
            "query": self.request.GET.urlencode()}


class InformationReportWordsView(ReportYear, FormPage):
    """The school's words under every heading, for one school year."""

    action = Action.MANAGE_SCHOOL
    form_class = ReportWordsForm
    submit = "Save the words"
    intro = ("Write for parents and pupils, in plain English. The figures from the records "
             "are added beside your words when the report is drawn; leave a heading empty "
             "to show the figures alone. Separate paragraphs with an empty line.")

    @property
    def title(self):
        return f"Our words for the SEN information report, {self.year.start.year} to " \
               f"{self.year.end.year}"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "headings": report(self.school, self.year).headings}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "caption": self.school.name,
            "back_url": report_url(self.school, self.year.start.year)}

    def perform(self, data):
        report_words_save(school=self.school, year=self.year.start.year, words=data,
                          actor=self.request.user)
        return report_url(self.school, self.year.start.year), "The words have been saved."


def pdf_response(template: str, context: dict, name: str) -> HttpResponse:
    response = HttpResponse(render_pdf(template, context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


class PupilPackView(ReportYear, PupilPage, SchoolView, TemplateView):
    """One pupil's journey for an inspector, on a page and as a PDF (``?download=pdf``),
    as the records stood on ``?on=`` (today unless given). Both are in the pupil's audit
    trail as readings of their record."""

    action = Action.SEE_SCHOOL_REPORTS
    template_name = "caseload/inclusion_pack_pupil.html"

    def get(self, request, *args, **kwargs):
        self.pack = pupil_pack(self.pupil, self.school, on=self.on)
        if request.GET.get("download") == "pdf":
            return pdf_response("caseload/inclusion_pack_pupil_pdf.html",
                                {"pack": self.pack, "school": self.school},
                                f"inclusion-pack-{self.pupil.upn}-{self.pack.on}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "pack": self.pack, "query": self.request.GET.urlencode()}


class SchoolPackView(SchoolView, TemplateView):
    """The school's figures for an inspector over ``?from=`` to ``?to=`` (this school
    year to today unless given), on a page and as a PDF. A day that is not a date, or a
    period that ends before it starts, is a 400."""

    action = Action.SEE_SCHOOL_REPORTS
    template_name = "caseload/inclusion_pack_school.html"

    def period(self) -> Period:
        today = timezone.localdate()
        days = []
        for name, default in (("from", school_year(today).start), ("to", today)):
            asked = self.request.GET.get(name)
            try:
                days.append(datetime.date.fromisoformat(asked) if asked else default)
            except ValueError:
                raise BadRequest(f"'{asked}' is not a date (YYYY-MM-DD).") from None
        if days[0] > days[1]:
            raise BadRequest("The period ends before it starts.")
        return Period(*days)

    def get(self, request, *args, **kwargs):
        self.pack = school_pack(self.school, self.period())
        if request.GET.get("download") == "pdf":
            return pdf_response("caseload/inclusion_pack_school_pdf.html",
                                {"pack": self.pack, "school": self.school},
                                f"inclusion-figures-{self.pack.period.start}-"
                                f"{self.pack.period.end}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "pack": self.pack, "query": self.request.GET.urlencode()}
