"""Text keeps its paragraphs and lists on the page, and nothing typed becomes markup."""

from core.prose import blocks, prose_html

EVERYONES_BUSINESS = (
    "By September 2014, every police force in England and Wales should establish and publish an action plan.\n\n"
    "This action plan should be developed:\n"
    "• in consultation with police and crime commissioners;\n"
    "• after close consideration of all the recommendations in this report; and\n"
    "• drawing on relevant knowledge acquired from other sources."
)


def test_paragraphs_and_bulleted_lists_keep_their_shape():
    html = prose_html(EVERYONES_BUSINESS)
    assert html.count('<p class="govuk-body">') == 2
    assert html.count("<li>") == 3
    assert '<ul class="govuk-list govuk-list--bullet"><li>in consultation' in html


def test_numbered_and_lettered_lists_and_line_breaks():
    text = "Forces should:\n1. assess\n2. review\n\n(a) first\n(b) second\nLine one\nline two\n\n3) resumed"
    kinds = [(block.kind, block.start, len(block.lines)) for block in blocks(text)]
    assert kinds == [("p", 1, 1), ("ol", 1, 2), ("ol-marked", 1, 2), ("p", 1, 2), ("ol", 3, 1)]
    html = prose_html(text, size="s")
    assert '<ol class="govuk-list govuk-list--number govuk-body-s" start="3"><li>resumed</li></ol>' in html
    assert "<li>(a) first</li>" in html
    assert '<p class="govuk-body-s">Line one<br>line two</p>' in html


def test_an_indented_line_continues_its_list_item():
    assert blocks("- first item\n  goes on\n- second")[0].lines == ["first item\ngoes on", "second"]


def test_markup_typed_by_a_user_is_shown_as_text():
    html = prose_html('<script>alert("x")</script>\n- <b>bold</b>\n\n<a href="javascript:x">link</a>')
    assert "<script>" not in html and "<b>" not in html and "<a " not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_empty_text_is_nothing():
    assert prose_html("") == "" and prose_html("\n\n  \n") == ""
