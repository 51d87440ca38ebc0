from django.utils.translation import gettext_lazy, override

from tuki.core.options import select_options


def test_the_chosen_value_is_selected_and_everything_is_escaped():
    html = select_options([(1, "Acme"), (2, 'Tom & "Jerry" <Oy>')], "2")
    assert html == (
        '<option value="1">Acme</option><option value="2" selected>Tom &amp; &quot;Jerry&quot; &lt;Oy&gt;</option>'
    )


def test_values_are_compared_as_text_and_nothing_is_selected_without_a_match():
    assert " selected" not in select_options([(1, "a"), ("none", "b")], "")
    assert 'value="none" selected' in select_options([(1, "a"), ("none", "b")], "none")
    assert 'value="<x>"' not in select_options([("<x>", "a")])


def test_lazy_labels_are_translated_when_built():
    with override("fi"):
        assert select_options([("x", gettext_lazy("Open"))]) == '<option value="x">Avoimet</option>'
