"""One form renderer for the whole site: GOV.UK labels, hints, errors beside fields, input kept."""

from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"
