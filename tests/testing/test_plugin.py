"""qabot.testing as users meet it: a pytest plugin with fixtures and assertion helpers."""

from __future__ import annotations

import pytest

from qabot import QABot
from qabot.testing import assert_abstains, assert_cites, assert_grounded
from tests.conftest import CORPUS

pytest_plugins = ["pytester"]

USER_TEST = f'''
from qabot.testing import assert_abstains, assert_cites, assert_grounded

def test_bot_stays_grounded(qabot_bot_factory):
    bot = qabot_bot_factory("{CORPUS}")
    answer = bot.ask("What is the Boltzmann policy distribution?")
    assert_grounded(answer, min_faithfulness=0.95)
    assert_cites(answer, "Boltzmann Policy Distribution")
    assert_abstains(bot.ask("How do I bake sourdough bread?"))

def test_a_made_up_claim_fails(qabot_bot_factory, qabot_mock_llm):
    bot = qabot_bot_factory("{CORPUS}", llm=qabot_mock_llm)
    qabot_mock_llm.enqueue("The BPD was tested on 400 chess grandmasters in Oslo [1].")
    assert_grounded(bot.ask("What is the Boltzmann policy distribution?"))
'''


@pytest.mark.slow  # a pytest subprocess that loads the model again
def test_the_plugin_gives_users_fixtures_and_clear_failures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TEST)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "answer not grounded (faithfulness 0.00 < 0.95)" in out
    assert "'The BPD was tested on 400 chess grandmasters in Oslo.'" in out, "the sentence"
    assert "numbers not in the passages: 400" in out
    assert "Passages they were checked against:" in out and "[1] The Boltzmann Policy" in out


def test_assertion_helpers_fail_with_context(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("What is the Boltzmann policy distribution?")
    with pytest.raises(AssertionError, match="(?s)does not cite 'Gemma 2'.*Citations:"):
        assert_cites(answer, "Gemma 2")
    with pytest.raises(AssertionError, match="expected an abstention"):
        assert_abstains(answer)
    refusal = extractive_bot.ask("What caused the fall of the Western Roman Empire?")
    with pytest.raises(AssertionError, match="got a refusal"):
        assert_grounded(refusal)
