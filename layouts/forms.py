"""Forms for what the programme team writes: commentary on a measure for a period, and the DfE
return's answers and condition RAGs for a round. Each is a council's, under /c/<council>/.

Plain server-rendered HTML forms (GOV.UK radios, textareas and error summary) rather than Dash
callbacks: they work with the keyboard and without JavaScript, and Dash 4 has no accessible radio
control. Each form carries the session's token (web.guard checks every post's token and origin
before it reaches these views); what is saved is kept as written by the signed-in account.
"""

from __future__ import annotations

from flask import Flask, abort, make_response, redirect, render_template_string, request

from domain.actors import Forbidden
from domain.periods import PeriodError, parse_term
from kpis.dfe_template import QUESTIONS, RAGS, condition_item
from kpis.notes import NoteError
from kpis.rounds import RoundError, parse_round
from layouts._shared.context import council_path, route_service
from layouts._shared.frame import PRODUCT_NAME, council_navigation
from services.interface import Service
from web.access import Access, requires
from web.guard import CSRF_FIELD, csrf_token, current_actor

PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% if errors %}Error: {% endif %}{{ title }} - Local First Inclusion</title>
<link rel="stylesheet" href="/assets/lfi.css">
</head>
<body>
<div class="app">
<a href="#main-content" class="skip-link">Skip to main content</a>
<header class="app-header"><div class="app-header__inner">
<a href="/" class="app-header__title">{{ product }}</a>
<p class="app-header__council">{{ council_name }}</p>
<nav aria-label="Main"><ul class="app-nav">
{% for name, href in navigation %}<li><a href="{{ href }}">{{ name }}</a></li>{% endfor %}
</ul></nav></div></header>
<main id="main-content" class="app-main" tabindex="-1">
<a href="{{ back }}" class="back-link">Back</a>
{% if errors %}
<div class="error-summary" id="error-summary" role="alert" tabindex="-1"
 aria-labelledby="error-summary-title" data-autofocus>
<h2 class="error-summary__title" id="error-summary-title">There is a problem</h2>
<ul class="error-summary__list">
{% for field, message in errors %}<li><a href="#{{ field }}">{{ message }}</a></li>{% endfor %}
</ul></div>
{% endif %}
<h1>{{ title }}</h1>
{{ body|safe }}
</main>
<footer class="app-footer"><p><a href="/accessibility">Accessibility statement</a> ·
<a href="{{ about }}">About the measures and data</a></p></footer>
</div>
<script src="/assets/focus-errors.js"></script>
</body>
</html>"""

# Both forms end by saying who the text will be kept as: the signed-in account.
SAVED_AS = """
<p class="form-hint" id="saved-as">Saved as you, {{ written_by }}.</p>
"""

COMMENTARY = (
    """
<p class="lede">{{ measure.ref }}. {{ measure.label }}, {{ period }}. The commentary appears on
the measure's page and in the Schools Forum pack for {{ period }}.</p>
<form method="post" novalidate>
<input type="hidden" name="{{ csrf_field }}" value="{{ token }}">
<div class="form-group{% if error_for.text %} form-group--error{% endif %}">
<label class="form-label" for="text">Commentary for {{ period }}</label>
{% if error_for.text %}<span class="error-message" id="text-error">{{ error_for.text }}</span>{% endif %}
<textarea class="form-textarea" id="text" name="text" rows="6"
{% if error_for.text %} aria-describedby="text-error" aria-invalid="true"{% endif %}>{{ text }}</textarea>
</div>
"""
    + SAVED_AS
    + """<button class="button" type="submit">Save the commentary</button>
</form>
{% if history %}
<h2>Earlier versions</h2>
<ol reversed>
{% for note in history %}<li><p>{{ note.text }}</p><p class="source">{{ note.written_by }},
{{ note.written_at.strftime("%d %B %Y %H:%M") }} UTC</p></li>{% endfor %}
</ol>
{% endif %}
"""
)

RETURN = (
    """
<p class="lede">The answers and assessments for the {{ round }} return. Each save keeps the
earlier version. The return itself is downloaded from <a href="{{ back }}">the
return page</a>.</p>
<form method="post" novalidate>
<input type="hidden" name="{{ csrf_field }}" value="{{ token }}">
<h2>The questions</h2>
{% for item, question in questions %}
<div class="form-group">
<label class="form-label" for="{{ item }}">{{ question }}</label>
<textarea class="form-textarea" id="{{ item }}" name="{{ item }}" rows="4">{{ values[item][1] }}</textarea>
</div>
{% endfor %}
<h2>The agreement conditions</h2>
{% for number, condition in conditions %}
{% set item = "condition-" ~ number %}
<fieldset class="form-group fieldset{% if error_for[item] %} form-group--error{% endif %}" id="{{ item }}"
{% if error_for[item] %} aria-describedby="{{ item }}-error"{% endif %}>
<legend class="form-label">Condition {{ number }}: {{ condition }}</legend>
{% if error_for[item] %}<span class="error-message" id="{{ item }}-error">{{ error_for[item] }}</span>{% endif %}
<div class="radios-inline">
{% for key, word in rags %}
<div class="radio"><input type="radio" id="{{ item }}-{{ key }}" name="{{ item }}-rag"
 value="{{ key }}"{% if values[item][0] == key %} checked{% endif %}>
<label for="{{ item }}-{{ key }}">{{ word }}</label></div>
{% endfor %}
</div>
<label class="form-label" for="{{ item }}-text">Progress update for condition {{ number }}</label>
<textarea class="form-textarea" id="{{ item }}-text" name="{{ item }}-text" rows="4">{{ values[item][1] }}</textarea>
</fieldset>
{% endfor %}
"""
    + SAVED_AS
    + """<button class="button" type="submit">Save the return</button>
</form>
"""
)


def _page(
    service: Service,
    title: str,
    back: str,
    body_template: str,
    errors: list,
    status: int = 200,
    **context,
):
    actor = current_actor()
    body = render_template_string(
        body_template,
        token=csrf_token(),
        csrf_field=CSRF_FIELD,
        error_for=dict(errors),
        written_by=actor.name,
        back=back,
        **context,
    )
    profile = service.council.profile
    html_text = render_template_string(
        PAGE,
        title=title,
        back=back,
        body=body,
        errors=errors,
        product=PRODUCT_NAME,
        council_name=profile.name,
        navigation=council_navigation(actor, profile),
        about=council_path("/about"),
    )
    return make_response(html_text, status)


@requires(Access.WRITE_NOTES)
def _commentary(council: str, ref: int):
    service = route_service(council)
    measure = service.measure(ref)
    if measure is None:
        abort(404)
    period = request.args.get("period") or service.snapshot().latest_term() or ""
    try:
        period = str(parse_term(period))
    except PeriodError:
        abort(404)
    history = service.commentary_history(ref, period)
    back = council_path(f"/measure/{ref}#commentary")
    text = history[0].text if history else ""
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        text = request.form.get("text", "")
        try:
            service.save_commentary(current_actor(), ref=ref, period=period, text=text)
            return redirect(back, code=303)
        except NoteError as error:
            errors = [("text", str(error))]
        except Forbidden:
            abort(403)
    return _page(
        service,
        f"Commentary on measure {ref}",
        back,
        COMMENTARY,
        errors,
        400 if errors else 200,
        measure=measure,
        period=period,
        text=text,
        history=history,
    )


def _current_values(round_name: str, service: Service) -> dict[str, tuple[str | None, str]]:
    entries = service.return_entries(round_name)
    count = len(service.council.profile.conditions)
    items = [q for q, _ in QUESTIONS] + [condition_item(n) for n in range(1, count + 1)]
    return {
        item: (entries[item][0].rag, entries[item][0].text) if item in entries else (None, "")
        for item in items
    }


def _posted_values(conditions: int) -> dict[str, tuple[str | None, str]]:
    values: dict[str, tuple[str | None, str]] = {
        q: (None, request.form.get(q, "")) for q, _ in QUESTIONS
    }
    for number in range(1, conditions + 1):
        item = condition_item(number)
        rag = request.form.get(f"{item}-rag") or None
        values[item] = (rag if rag in RAGS else None, request.form.get(f"{item}-text", ""))
    return values


def _return_errors(values, conditions: int) -> list[tuple[str, str]]:
    errors = []
    for number in range(1, conditions + 1):
        item = condition_item(number)
        rag, text = values[item]
        if text.strip() and rag is None:
            errors.append((item, f"Choose red, amber or green for condition {number}"))
    return errors


@requires(Access.WRITE_NOTES)
def _return(council: str, slug: str):
    service = route_service(council)
    try:
        chosen = parse_round(slug)
    except RoundError:
        abort(404)
    current = _current_values(chosen.name, service)
    values, errors = current, []
    back = council_path(f"/return?round={chosen.slug}")
    if request.method == "POST":
        conditions = len(service.council.profile.conditions)
        values = _posted_values(conditions)
        errors = _return_errors(values, conditions)
        if not errors:
            changed = {
                item: (rag, text.strip())
                for item, (rag, text) in values.items()
                if (rag, text.strip()) != current[item]
            }
            try:
                service.save_return_entries(
                    current_actor(), round_name=chosen.name, entries=changed
                )
                return redirect(back, code=303)
            except NoteError as error:
                errors = [(_first_field(changed), str(error))]
            except Forbidden:
                abort(403)
    return _page(
        service,
        f"The {chosen.name} return",
        back,
        RETURN,
        errors,
        400 if errors else 200,
        round=chosen.name,
        slug=chosen.slug,
        questions=QUESTIONS,
        conditions=list(enumerate(service.council.profile.conditions, start=1)),
        rags=list(RAGS.items()),
        values=values,
    )


def _first_field(changed: dict[str, tuple[str | None, str]]) -> str:
    """The field a refused save (a text too long) points to: the first item changed."""
    first = next(iter(changed), QUESTIONS[0][0])
    return f"{first}-text" if first.startswith("condition-") else first


def register_form_routes(server: Flask) -> None:
    server.add_url_rule(
        "/c/<council>/measure/<int:ref>/commentary",
        "commentary",
        _commentary,
        methods=["GET", "POST"],
    )
    server.add_url_rule(
        "/c/<council>/return/<slug>/edit", "return_edit", _return, methods=["GET", "POST"]
    )
