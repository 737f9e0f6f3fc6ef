"""GOV.UK Frontend patterns for Django forms: classes on widgets, error states, GOV.UK
style messages, and carrying a service's field-level errors back onto the form
(the error-summary pattern).

Fields are styled when the form is first validated or rendered, so a form may add or
change fields (and set ``field.govuk_width``) in its own ``__init__``."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

WIDGET_CLASSES = {
    forms.CheckboxSelectMultiple: "",
    forms.RadioSelect: "",
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
}


class GovukFormMixin:
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def _style(self):
        if getattr(self, "_styled", False):
            return
        self._styled = True
        for name, field in self.fields.items():
            widget = field.widget
            css = next(
                (c for kind, c in WIDGET_CLASSES.items() if isinstance(widget, kind)),
                "govuk-input",
            )
            width = getattr(field, "govuk_width", "")
            widget.attrs["class"] = " ".join(filter(None, [css, width]))
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self._field_id(name)}-hint"
            if field.required and field.error_messages.get("required") == (
                forms.Field.default_error_messages["required"]
            ):
                field.error_messages["required"] = self._required_message(field)

    @staticmethod
    def _required_message(field) -> str:
        """GOV.UK style: say what to do, naming the thing ("Enter a first name")."""
        label = str(field.label or "").strip()
        thing = label[:1].lower() + label[1:]
        if isinstance(field.widget, (forms.Select, forms.RadioSelect, forms.CheckboxInput)):
            return f"Select {thing}" if label else "Select an option"
        if isinstance(field.widget, forms.FileInput):
            return f"Choose {thing}" if label else "Choose a file"
        return f"Enter {thing}" if label else "Enter a value"

    def full_clean(self):
        self._style()
        super().full_clean()
        self._mark_errors()

    def __iter__(self):
        self._style()
        return super().__iter__()

    def __getitem__(self, name):
        self._style()
        return super().__getitem__(name)

    def _mark_errors(self):
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                if css and "--error" not in css:
                    base = css.split()[0]
                    widget.attrs["class"] = f"{css} {base}--error"
                hint = f"{self._field_id(name)}-hint " if self.fields[name].help_text else ""
                widget.attrs["aria-describedby"] = f"{hint}{self._field_id(name)}-error"

    def _field_id(self, name: str) -> str:
        return self.auto_id % self.add_prefix(name) if self.auto_id else self.add_prefix(name)

    def add_service_errors(self, error: ValidationError, field_map: dict[str, str] | None = None):
        """Put a service's ValidationError on the form: each message on its field when the
        form has it, otherwise at the top of the form."""
        field_map = field_map or {}
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            target = field_map.get(name, name)
            if target == NON_FIELD_ERRORS or target not in self.fields:
                target = None
            for message in messages:
                self.add_error(target, message)
        self._mark_errors()
