"""Forms of the scenario pages: the script editor and a variant."""

from __future__ import annotations

from django import forms

from steward.workforce.services.scenario_script import SCRIPT_HELP


class ScenarioForm(forms.Form):
    title = forms.CharField(max_length=160)
    summary = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the worker practises, in a sentence.",
    )
    script = forms.CharField(
        max_length=60000,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
        help_text=SCRIPT_HELP,
        strip=False,
    )


class VariantForm(forms.Form):
    variant_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(
        max_length=80, help_text="How results name this version of the case, e.g. “Spanish, 72”."
    )
    patient_name = forms.CharField(max_length=120, label="Patient name", help_text="Fictional.")
    language = forms.CharField(max_length=40, initial="English")
    age = forms.IntegerField(required=False, min_value=0, max_value=120)
    ethnicity = forms.CharField(max_length=80, required=False)
    disability = forms.CharField(
        max_length=120, required=False, help_text="E.g. “Deaf, uses a relay service”."
    )
    context = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Anything else the worker learns about the patient; fills {context}.",
    )
