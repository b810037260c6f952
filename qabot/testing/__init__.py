"""Test support: assertions that answers stay grounded, the test doubles, and the pytest plugin.

    from qabot.testing import assert_abstains, assert_cites, assert_grounded

- `assert_grounded`, `assert_cites`, `assert_abstains` (`qabot.testing.assertions`);
- `MockChatModel` (`qabot.testing.mock_llm`): a deterministic chat model that answers from
  the sources in its prompt, and `MOCKS`, models that misbehave one way each
  (`qabot.testing.misbehaving`, selected with `qabot eval --llm NAME`);
- the fake OpenAI-compatible server (`python -m qabot.testing.fake_openai`);
- the pytest plugin (`qabot.testing.plugin`, registered by installing qabot under the entry
  point `qabot`): the fixtures `qabot_embeddings`, `qabot_mock_llm`, `qabot_bot_factory`.

Nothing here imports pytest, so the doubles work in a plain install (`QABOT_LLM=mock`).
"""

from qabot.testing.assertions import assert_abstains, assert_cites, assert_grounded
from qabot.testing.misbehaving import MOCKS
from qabot.testing.mock_llm import MockChatModel

__all__ = ["MOCKS", "MockChatModel", "assert_abstains", "assert_cites", "assert_grounded"]
