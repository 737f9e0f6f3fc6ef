"""The school's reports: the SEN information report, drafted from the records and the
school's words, on a page, as a PDF and as HTML for the school's website."""

import datetime

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from apps.schools.roles import Action, role_may
from apps.schools.views import FormPage, SchoolView
from backend.pdf import render_pdf

from .forms import ReportWordsForm
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
