import pytest

from lib.markdown import render_markdown

HOSTILE_NOTES = """
Intro <script>alert('notes')</script>

<img src="x" onerror="alert('img')">

[click me](javascript:alert('link'))

<a href="javascript:alert('raw')" onclick="alert('click')">raw link</a>

<iframe src="https://evil.example/"></iframe>

<p style="background:url(javascript:alert(1))">styled</p>
"""


@pytest.fixture
def hostile_lesson(program):
    lesson = program.lessons.filter(week__number=1).first()
    lesson.notes = HOSTILE_NOTES
    lesson.save()
    return lesson


def test_scripts_handlers_and_javascript_links_never_reach_the_class_page(
    client, alice, hostile_lesson
):
    client.force_login(alice)
    page = client.get(hostile_lesson.get_absolute_url()).content.decode().lower()
    notes = page[page.index('id="notes-heading"') :]
    for forbidden in ["<script>alert", "onerror", "onclick", "javascript:", "<iframe", "style="]:
        assert forbidden not in notes
    assert "raw link" in notes
    assert "click me" in notes


def test_markdown_formatting_survives_sanitising():
    html = render_markdown("**Hold** for *three* breaths\n\n- one\n- two\n\n[More](https://a.b/)")
    assert "<strong>Hold</strong>" in html
    assert "<li>one</li>" in html
    assert 'href="https://a.b/"' in html
