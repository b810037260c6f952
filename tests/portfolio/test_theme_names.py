"""Theme names a person would write, from the theme's keywords and its papers' titles."""

from __future__ import annotations

from qabot.domain.records import Topic
from qabot.portfolio.theme_names import theme_name, theme_names

TITLES = {
    "a": "Reward hacking in language models",
    "b": "Correlated proxies and reward hacking",
    "c": "Preference learning from human feedback",
}


def test_a_theme_is_named_by_the_keywords_its_titles_use() -> None:
    topic = Topic(label="Model generates, reward hacking, quality, sota", paper_ids=["a", "b"])
    assert theme_name(topic, TITLES.get) == "Reward hacking"


def test_two_keywords_the_titles_use_are_joined_by_and() -> None:
    topic = Topic(label="Human feedback, preference, behavior", paper_ids=["c"])
    assert theme_name(topic, TITLES.get) == "Human feedback and preference"


def test_no_two_themes_share_a_name() -> None:
    topics = [
        Topic(label="Reward hacking, quality", paper_ids=["a"]),
        Topic(label="Reward hacking, proxies", paper_ids=["b"]),
    ]
    names = theme_names(topics, TITLES.get)
    assert len(set(names)) == 2 and names[0] == "Reward hacking", names
