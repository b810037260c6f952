"""The classes of failure measured on independently written questions (issue 26), each
reproduced with the quoted question and checked with the default offline answerer. The
aggregate figures come from `qabot eval --dataset tests/data/blind/...` (docs/measurements.md);
these pin one example of each class."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from qabot import QABot
from qabot.domain.questions import clean_question
from qabot.domain.records import Answer
from qabot.ingest.build import ingest
from tests.conftest import make_settings, paper_record


def _titles(answer: Answer) -> list[str]:
    return [c.title.split(":")[0] for c in answer.citations]


def _chain(bot: QABot, questions: list[str]) -> list[Answer]:
    history: list[dict[str, object]] = []
    answers = []
    for question in questions:
        answer = bot.ask(question, history=history)
        answers.append(answer)
        history += [{"role": "user", "content": question}, answer.as_turn()]
    return answers


@pytest.mark.parametrize(
    "question",
    [
        "What work has been done on recommender systems?",
        "Recommender systems: what has been studied here?",
        "any recomender system papers?",  # a typo: BM25 searches it as the corpus spells it
        "Summarise her work on recommender systems.",
    ],
)
def test_an_overview_in_any_phrasing_cites_every_paper_on_it(
    extractive_bot: QABot, question: str
) -> None:
    answer = extractive_bot.ask(question)
    assert answer.shape == "survey", question
    assert {"Estimating and Penalizing Induced Preference Shifts in Recommender Systems",
            "CTRL-Rec"} <= set(_titles(answer)), answer.answer  # fmt: skip


def test_a_focused_answer_lists_the_other_relevant_papers_each_cited(
    extractive_bot: QABot,
) -> None:
    answer = extractive_bot.ask("How can users steer recommendations with plain text?")
    assert "\n\nAlso in the portfolio:\n- “" in answer.answer
    listed = answer.answer.split("Also in the portfolio:")[1]
    for line in listed.strip().splitlines():
        assert re.fullmatch(r"- “[^”]+” \(\d{4}\) \[\d+\]", line), line


@pytest.mark.parametrize(
    "question",
    [
        "What is her favourite programming language?",
        "Which papers train agents to play chess?",
        "Has she done multi-agent RL for protein folding?",
        "Any papers on federated learning?",
    ],
)
def test_a_subject_the_papers_do_not_cover_is_not_answered(
    extractive_bot: QABot, question: str
) -> None:
    assert extractive_bot.ask(question).abstained, question


def test_a_detail_the_abstract_does_not_give_is_admitted_cited(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("What learning rate was used to train Gemma 2?")
    assert not answer.abstained and answer.shape == "detail"
    assert answer.answer.startswith("The abstract of “Gemma 2: Improving Open Language Models")
    assert "does not give the learning rate [1]" in answer.answer
    assert answer.unstated == "the learning rate"
    assert _titles(answer)[0] == "Gemma 2"


def test_a_named_thing_wins_over_a_neighbour_and_its_detail_is_quoted(
    extractive_bot: QABot,
) -> None:
    answer = extractive_bot.ask("What parameter sizes does Gemma 2 come in?")
    assert _titles(answer)[0] == "Gemma 2", answer.answer
    assert "27 billion" in answer.answer and answer.unstated is None


def test_a_definition_quotes_the_sentence_that_says_what_it_is(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("What is AssistanceZero?")
    assert answer.shape == "definition"
    assert "AssistanceZero, extends AlphaZero with a neural network" in answer.answer


def test_sentences_read_on_their_own_without_raw_latex(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("What is Dynalang?")
    first = answer.answer.split(": ", 1)[1]
    assert not first.startswith(("Finally", "To address this gap")), first
    for question in ("How does the advantage function relate to reward?",
                     "What did she publish on correlated proxies?"):  # fmt: skip
        assert "$" not in extractive_bot.ask(question).answer


def test_citations_are_numbered_in_reading_order(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("What has she done on human feedback?")
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)]
    assert numbers == sorted(numbers) and numbers[0] == 1, numbers


def test_it_is_the_paper_the_last_answer_was_about(extractive_bot: QABot) -> None:
    first, second, who, when = _chain(
        extractive_bot,
        [
            "Which papers study offline reinforcement learning?",
            "tell me more about the second one",
            "who wrote it?",
            "what year?",
        ],
    )
    picked = first.citations[1].paper_id
    assert [c.paper_id for c in second.citations] == [picked]
    assert [c.paper_id for c in who.citations] == [picked] and " is by " in who.answer
    assert [c.paper_id for c in when.citations] == [
        picked
    ] and "is dated Oct 31, 2023 [1]" in when.answer


def test_an_unrelated_earlier_turn_does_not_change_a_self_contained_answer(
    extractive_bot: QABot,
) -> None:
    alone = extractive_bot.ask("What is Dynalang?")
    _, after = _chain(
        extractive_bot, ["Which papers study recommender systems?", "What is Dynalang?"]
    )
    assert after.answer == alone.answer


def test_a_comparison_heads_both_sides_and_contrasts_them(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask(
        "Compare the Boltzmann policy distribution with the optimal behavior prior"
    )
    text = answer.answer
    assert text.startswith("**Boltzmann policy distribution**\n- “The Boltzmann Policy")
    assert "\n\n**Optimal behavior prior**\n- “Optimal Behavior Prior" in text
    assert _titles(answer) == ["The Boltzmann Policy Distribution", "Optimal Behavior Prior"]
    last = text.splitlines()[-1]
    assert last.startswith("In contrast: ") and "same year, 2022" in last
    assert "both list Anca Dragan as an author [1][2]." in last


def test_under_filters_only_papers_on_the_topic_count(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("What has this group done on reward hacking since 2025?")
    assert answer.abstained
    assert answer.answer == (
        "None in the indexed portfolio: no paper from 2025 on is about “reward hacking”. "
        "1 paper on it is outside these filters."
    )
    kept = extractive_bot.ask("What has she published on RLHF in 2024?")
    assert kept.citations and {c.year for c in kept.citations} == {2024}


def test_together_with_an_institution_is_a_listing(extractive_bot: QABot) -> None:
    together = extractive_bot.ask("What did she publish together with DeepMind?")
    plain = extractive_bot.ask("What did she publish with DeepMind?")
    assert not together.abstained and together.answer == plain.answer


@pytest.mark.parametrize(
    "said, meant",
    [
        ("ok, switching topics: any work on red-teaming?", "any work on red-teaming?"),
        ("Okay, new question: what is Dynalang?", "what is Dynalang?"),
        ("ok", "ok"),
        ("So what is RLHF?", "So what is RLHF?"),
    ],
)
def test_a_chat_preamble_is_not_part_of_the_question(said: str, meant: str) -> None:
    assert clean_question(said, 1000) == meant


@pytest.mark.parametrize(
    "question, one",
    [
        ("Which papers study brain stimulation?", True),
        ("Which papers study recommender systems?", False),
    ],
)
def test_survey_templates_agree_in_number(extractive_bot: QABot, question: str, one: bool) -> None:
    answer = extractive_bot.ask(question)
    if one:
        assert len(answer.citations) == 1
        assert answer.answer.startswith("1 paper in the portfolio matches this question:")
    else:
        assert answer.answer.startswith(f"{len(answer.citations)} papers in the portfolio match")


def test_code_for_the_one_paper_of_the_last_answer_is_said_of_that_paper(
    extractive_bot: QABot,
) -> None:
    *_, code = _chain(
        extractive_bot, ["what is the Boltzmann policy distribution?", "is there code for it?"]
    )
    assert code.answer.startswith("“The Boltzmann Policy Distribution: Accounting for")
    assert code.answer.endswith(" 2022) does not link its code [1].")
    assert [c.title.split(":")[0] for c in code.citations] == ["The Boltzmann Policy Distribution"]


# -- round two: classes found on a second blind set (dev2), issue 26 -------------------------


@pytest.mark.parametrize(
    "question",
    [
        # everyday words no abstract uses ("genuinely", "pairwise") next to a close paper
        "I'm interested in how to make AI agents that genuinely assist people instead of "
        "taking over the task. What did they publish on that?",
        "pairwise preference feedback for learning rewards -- papers?",
    ],
)
def test_unknown_everyday_words_do_not_make_an_on_topic_question_out_of_scope(
    extractive_bot: QABot, question: str
) -> None:
    answer = extractive_bot.ask(question)
    assert not answer.abstained, answer.answer
    assert answer.citations


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        ("Has Anca worked on recommendation algorithms?", "survey"),
        ("How did their thinking about human models evolve over the years?", "survey"),
        ("Who co-authored the paper on estimating and penalizing preference shifts?", "who-when"),
    ],
)
def test_openers_and_phrases_route_to_the_papers_text(
    extractive_bot: QABot, question: str, shape: str
) -> None:
    """ "Has Anca" is not an author, "evolve over the years" is not a count per year, and "the
    paper on X" asks for one paper's authors."""
    route = extractive_bot.route(question)
    assert (route.shape, route.filters.author) == (shape, None)


def test_the_one_described_picks_from_the_last_list(extractive_bot: QABot) -> None:
    answers = _chain(
        extractive_bot,
        [
            "Papers explaining when deep RL succeeds or fails?",
            "the one about stochastic environments - what algorithm do they propose?",
            "who wrote it?",
        ],
    )
    assert (
        _titles(answers[1])[0]
        == "The Effective Horizon Explains Deep RL Performance in Stochastic Environments"
    )
    assert "SQIRL" in answers[1].answer
    assert _titles(answers[2]) == _titles(answers[1])[:1]


def test_a_name_only_one_paper_uses_picks_that_paper(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask(
        "Tell me about the paper that extends AlphaZero to help human users"
    )
    assert _titles(answer)[0] == "AssistanceZero"


@pytest.mark.parametrize(
    ("question", "facts"),
    [
        # two parts, each from its own sentence
        (
            "which dataset was CTRL-Rec evaluated on, and how many real users were in the study?",
            ["MovieLens", "19 Letterboxd users"],
        ),
        # a count bound to the people counted, not a percentage nearby
        ("In the Empower paper's user study, how many people took part?", ["18-person"]),
        # "tokens of context": the counted noun before "of"
        (
            "Up to how many tokens of context does Gemini 1.5 show near-perfect retrieval?",
            ["10M tokens"],
        ),
        # after a lead-in clause; what it is a fraction of
        (
            "In the paper on manipulation when optimizing LLMs for user feedback, what fraction "
            "of vulnerable users was enough for the model to learn to target them?",
            ["2% of users"],
        ),
        (
            "What robot was used in the user study on influencing how people learn to teleoperate?",
            ["7DOF"],
        ),
        (
            "what were the two application domains for the hindsight-regeneration dialogue agent?",
            ["mental health support"],
        ),
    ],
)
def test_a_stated_detail_is_quoted(extractive_bot: QABot, question: str, facts: list[str]) -> None:
    answer = extractive_bot.ask(question)
    assert answer.unstated is None, answer.answer
    for fact in facts:
        assert fact in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Which LLM was trained in the targeted manipulation and deception paper?",
        # "two LLM forward passes: …" lists no LLMs
        "Which LLMs was Context Steering evaluated on?",
        "For CTRL-Rec, which embedding model or which LLM did they use to simulate user approvals?",
    ],
)
def test_a_detail_only_a_generic_name_answers_is_not_given(
    extractive_bot: QABot, question: str
) -> None:
    """ "LLM-as-judges" names no LLM; "we use an LLM" does not say which."""
    answer = extractive_bot.ask(question)
    assert answer.unstated is not None, answer.answer
    assert "does not say" in answer.answer


def test_a_title_the_question_paraphrases_beats_a_passage_using_the_name(
    extractive_bot: QABot,
) -> None:
    """ "the Overcooked human-AI coordination paper" is the one with that title, not the later
    paper whose abstract also uses Overcooked."""
    answer = extractive_bot.ask("which year was the Overcooked human-AI coordination paper?")
    assert _titles(answer)[0] == "On the Utility of Learning about Humans for Human-AI Coordination"
    assert "2019" in answer.answer


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        # the acronym names it too ("CoS computes …"): how it works, not only that it exists
        ("how does Context Steering (CoS) work?", "comparing the output probabilities"),
        # "X are a promising alternative" is an opinion of X; "modeling … as a two-player game" says what it is
        ("what's an assistance game?", "two-player game where the assistant cannot observe"),
    ],
)
def test_a_definition_says_what_it_is_not_what_is_thought_of_it(
    extractive_bot: QABot, question: str, fact: str
) -> None:
    assert fact in extractive_bot.ask(question).answer


def test_a_detail_of_the_person_is_not_asked_of_a_paper(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("how many PhD students does she currently supervise?")
    assert answer.abstained, answer.answer


def test_a_detail_named_with_a_version_is_admitted_missing(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask(
        "Which Gemini 1.0 model sizes were tested in the dangerous capabilities evaluations?"
    )
    assert answer.unstated is not None, answer.answer


def test_a_comparison_of_two_things_cites_one_paper_a_side(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask(
        "Compare their two recommender-system papers: preference shift estimation vs natural "
        "language control."
    )
    assert sorted(_titles(answer)) == [
        "CTRL-Rec",
        "Estimating and Penalizing Induced Preference Shifts in Recommender Systems",
    ]


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        # an aside with "vs" is not a comparison
        (
            "how has their approach to AI assistance evolved (e.g. inferring the goal vs other objectives)?",
            "survey",
        ),
        ("pairwise preference feedback for learning rewards -- papers?", "survey"),
        # a topic typed as the whole question
        ("instruction following?", "survey"),
        ("offline RL?", "survey"),
        ("Dynalang?", "focused"),
    ],
)
def test_short_and_aside_phrasings_route_by_what_they_ask(
    extractive_bot: QABot, question: str, shape: str
) -> None:
    assert extractive_bot.route(question).shape == shape


def test_more_about_one_paper_reads_its_whole_abstract(extractive_bot: QABot) -> None:
    """ "tell me more about it" gives what the paper contributes; "did they test it with real
    people?" finds "a user study with real humans", which no retrieved passage held."""
    answers = _chain(
        extractive_bot,
        [
            "which papers study empowerment as a way to assist humans?",
            "tell me more about the one that works with language models",
        ],
    )
    assert "only requires offline text data" in answers[1].answer
    answers = _chain(
        extractive_bot,
        [
            "What has Anca done on goal-directed dialogue with LLMs?",
            "The one that rewrites conversations in hindsight: which domains did they apply it to?",
            "did they test it with real people?",
        ],
    )
    assert "mental health support" in answers[1].answer
    assert "user study with real humans" in answers[2].answer


# -- what a review of round two found (each was right before it) ------------------------------


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        ("Top co-authors?", "coauthors"),
        ("Tell me who she works with most often.", "coauthors"),
        ("List her collaborators.", "coauthors"),
        ("How did her publication count change over the years?", "years"),
        ("Is she an author on the Gemma 2 paper?", "who-when"),
    ],
)
def test_statistics_and_authors_keep_their_phrasings(
    extractive_bot: QABot, question: str, shape: str
) -> None:
    route = extractive_bot.route(question)
    assert (route.intent if route.shape == "metadata" else route.shape) == shape


def test_a_compared_side_is_the_paper_that_introduces_it(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("Compare Gemma 2 with Gemini 1.5.")
    assert sorted(_titles(answer)) == ["Gemini 1.5", "Gemma 2"]


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("How many MDPs did she put in BRIDGE?", "155 deterministic MDPs"),
        ("In the Gemini 1.5 paper, what fraction of the context could it recall?", "99%"),
    ],
)
def test_a_detail_asked_with_she_or_a_fraction_is_quoted(
    extractive_bot: QABot, question: str, fact: str
) -> None:
    answer = extractive_bot.ask(question)
    assert answer.unstated is None and fact in answer.answer, answer.answer


def test_a_detail_of_the_paper_referred_to_is_not_taken_from_a_neighbour(
    extractive_bot: QABot,
) -> None:
    answer = extractive_bot.ask("Which robot did the Lego tidying paper use?")
    assert _titles(answer) == ["Toward Grounded Commonsense Reasoning"]
    assert answer.unstated is not None


def test_a_definition_leads_with_what_introduces_it(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("What does UniMASK stand for?")
    assert "We introduce the UniMASK framework" in answer.answer.split("[1]")[0]


def test_a_follow_up_word_is_not_a_new_overview(extractive_bot: QABot) -> None:
    answers = _chain(extractive_bot, ["What is Dynalang?", "datasets?"])
    assert answers[1].shape != "survey"
    assert _titles(answers[1])[0] == "Learning to Model the World with Language"


def test_a_reference_then_a_question_keeps_the_question(extractive_bot: QABot) -> None:
    answers = _chain(
        extractive_bot,
        [
            "Papers on offline reinforcement learning?",
            "the one about observation histories and which dataset did they use?",
        ],
    )
    assert _titles(answers[1])[0].startswith("Offline RL with Observation Histories")
    assert answers[1].unstated == "which dataset"


def test_more_says_what_the_last_answer_did_not(extractive_bot: QABot) -> None:
    answers = _chain(extractive_bot, ["What is Dynalang?", "tell me more", "more?"])
    assert not answers[1].abstained and not answers[2].abstained
    assert answers[2].answer != answers[1].answer


# -- round three: classes found on a third blind set (dev3) ---------------------------------


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # a size is not a version: "Gemma 2 27B" is Gemma 2
        ("How many tokens was Gemma 2 27B trained on?", "Gemma 2"),
        # a name given as an example in brackets picks nothing
        (
            "Which LLM (GPT-4? something else) does the grounded commonsense reasoning robot paper query?",
            "Toward Grounded Commonsense Reasoning",
        ),
        (
            "Which robot arm did the GRIF instruction-following paper run its real world experiments on?",
            "Goal Representations for Instruction Following",
        ),
        (
            "For the recommender preference shift paper, which real-world dataset of user "
            "interactions did they train the user model on?",
            "Estimating and Penalizing Induced Preference Shifts in Recommender Systems",
        ),
        (
            "Which dimensionality reduction technique (t-SNE? PCA?) does the visually assisted cluster ranking GUI use?",
            "Time-Efficient Reward Learning via Visually Assisted Cluster Ranking",
        ),
        ("What's the maximum context window, in tokens, of Gemini 2.5 Pro?", "Gemini 2.5"),
        (
            "Which exact frontier and weak models did the adversaries-misusing-combinations paper combine (e.g. Claude, Llama)?",
            "Adversaries Can Misuse Combinations of Safe Models",
        ),
        # an example's name ("Barack Obama") is not the model asked for
        (
            "Which language model did ARCA audit, GPT-2 or something bigger?",
            "Automatically Auditing Large Language Models via Discrete Optimization",
        ),
    ],
)
def test_an_absent_detail_of_the_paper_meant_is_admitted(
    extractive_bot: QABot, question: str, title: str
) -> None:
    answer = extractive_bot.ask(question)
    assert _titles(answer)[0] == title
    assert answer.unstated is not None, answer.answer


@pytest.mark.parametrize(
    ("question", "facts"),
    [
        (
            "Which rare language did Gemini 1.5 learn to translate from a grammar manual?",
            ["Kalamang"],
        ),
        (
            "What IRL algorithm is the 'preferences implicit in the state' method built on?",
            ["Maximum Causal Entropy IRL"],
        ),
        ("what kind of SAE architecture does gemma scope use?", ["JumpReLU"]),
        ("what tasks did the cluster-ranking reward learning paper evaluate on?", ["Mujoco"]),
        (
            "How many sub-leaderboards make up the FACTS suite and where is it hosted?",
            ["four distinct sub-leaderboards", "Kaggle"],
        ),
        (
            "What dataset and which users were used to evaluate CTRL-Rec?",
            ["MovieLens", "19 Letterboxd users"],
        ),
    ],
)
def test_a_stated_detail_named_in_plain_words_is_quoted(
    extractive_bot: QABot, question: str, facts: list[str]
) -> None:
    answer = extractive_bot.ask(question)
    assert answer.unstated is None, answer.answer
    for fact in facts:
        assert fact.lower() in answer.answer.lower(), answer.answer


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Explain AssistanceZero in a sentence or two.", "extends AlphaZero"),
        ("whats B-Pref", "benchmark specially designed for preference-based RL"),
        (
            "what does temporal representation alignment (TRA) do?",
            "Temporal Representation Alignment",
        ),
    ],
)
def test_a_definition_asked_loosely_is_answered(
    extractive_bot: QABot, question: str, fact: str
) -> None:
    answer = extractive_bot.ask(question)
    assert not answer.abstained and fact in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Who co-authored the Boltzmann policy distribution paper with Anca?", "Laidlaw"),
        ("Who was the lead author on the Overcooked human-AI coordination paper?", "Micah Carroll"),
    ],
)
def test_who_wrote_the_paper_described(extractive_bot: QABot, question: str, fact: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.shape == "who-when" and fact in answer.answer, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "what's been done by Dragan's group about recommendation engines?",
        "What has Anca Dragan's group done on RLHF?",
    ],
)
def test_the_owners_group_named_in_full_is_an_overview(
    extractive_bot: QABot, question: str
) -> None:
    assert extractive_bot.route(question).shape == "survey"


@pytest.mark.parametrize(
    ("questions", "fact"),
    [
        # the link, not only the title
        (
            [
                "which papers explain when deep RL works using the effective horizon?",
                "the one on stochastic environments: what algorithm does it introduce?",
                "is there code for it?",
            ],
            "github.com/cassidylaidlaw/effective-horizon",
        ),
        # no code, but the project page it links
        (["any work on a robot tidying up a messy desk?", "is there code?"], "minaek.github.io"),
        # a part of the last paper named as known
        (
            [
                "is there a paper on fine-tuning LLM assistants to maximize the human's empowerment?",
                "how big was the user study?",
            ],
            "18-person",
        ),
        (
            [
                "any work on a robot tidying up a messy desk?",
                "and how much better than baselines on the robot experiments?",
            ],
            "15% improvement",
        ),
        (
            [
                "tell me about the minecraft building assistant paper",
                "what existing algorithm does it extend?",
            ],
            "extends AlphaZero",
        ),
        (
            [
                "papers on auditing or red-teaming language models?",
                "the one with the Barack Obama example, what's the method called?",
            ],
            "ARCA",
        ),
        # "the newer one" of the list two answers back
        (
            [
                "did anca contribute to the gemini reports?",
                "for the 1.5 one, how far does near-perfect retrieval go?",
                "and the newer one, how much video can it handle?",
            ],
            "Gemini 2.5",
        ),
        (
            [
                "Is there a paper on offline RL with observation histories?",
                "what loss do they propose?",
            ],
            "bisimulation loss",
        ),
    ],
)
def test_a_follow_up_answers_about_the_paper_it_means(
    extractive_bot: QABot, questions: list[str], fact: str
) -> None:
    answer = _chain(extractive_bot, questions)[-1]
    assert fact in answer.answer, answer.answer


def test_tell_me_about_the_paper_gives_what_it_contributes(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("tell me about the minecraft building assistant paper")
    assert (
        "extends AlphaZero" in answer.answer and "github.com" not in answer.answer.split("Also")[0]
    )


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        ("what else did they do on assisting humans?", "survey"),
        ("what is the 'partial return' preference model?", "definition"),
        ("who co-authored it?", "who-when"),
    ],
)
def test_follow_up_phrasings_route_by_what_they_ask(
    extractive_bot: QABot, question: str, shape: str
) -> None:
    assert extractive_bot.route(question).shape == shape


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        (
            "how has Anca's work on RL for chatbots / LLM agents developed from 2023 to 2025?",
            "survey",
        ),
        (
            "which of the large Google model technical reports (Gemini, Gemma etc.) are in the portfolio?",
            "metadata",  # the technical reports, listed (tests/answering/test_paper_kinds.py)
        ),
        ("did she contribute to any big Google model reports like gemini?", "metadata"),
        ("foundation model tech reports - which ones are listed?", "metadata"),
        (
            "What's the difference between the Boltzmann policy distribution and the optimal behavior prior approach to human models?",
            "compare",
        ),
    ],
)
def test_more_overview_and_comparison_phrasings(
    extractive_bot: QABot, question: str, shape: str
) -> None:
    assert extractive_bot.route(question).shape == shape


@pytest.mark.parametrize(
    ("question", "titles"),
    [
        # a side given as a paper's title is that paper, not one whose title opens with its words
        (
            "Learning to Assist Humans without Inferring Rewards vs Training LLM Agents to Empower Humans: how do they differ?",
            [
                "Learning to Assist Humans without Inferring Rewards",
                "Training LLM Agents to Empower Humans",
            ],
        ),
        # "prior" here is a noun, and the side's head is "approach": one paper
        (
            "What's the difference between the Boltzmann policy distribution and the optimal behavior prior approach to human models?",
            ["Optimal Behavior Prior", "The Boltzmann Policy Distribution"],
        ),
    ],
)
def test_a_compared_side_named_in_full(
    extractive_bot: QABot, question: str, titles: list[str]
) -> None:
    assert sorted(_titles(extractive_bot.ask(question))) == titles


def test_a_newer_side_is_the_papers_after_the_other(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask(
        "How does her earlier human-AI coordination work (Overcooked, human models) compare with "
        "the newer assistance papers?"
    )
    assert not answer.answer.startswith("The portfolio has no paper")
    assert "AssistanceZero" in _titles(answer)


# -- what a review of round three found (each was right before it) ---------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Can I run Gemma 2 on my iPhone?",
        "What did the AssistanceZero authors eat for lunch?",
        "Does UniMASK work for predicting the stock market?",
    ],
)
def test_a_named_paper_does_not_make_the_rest_of_the_question_in_scope(
    extractive_bot: QABot, question: str
) -> None:
    assert extractive_bot.ask(question).abstained


def test_co_authors_with_it_elsewhere_in_the_question(extractive_bot: QABot) -> None:
    route = extractive_bot.route("Who co-authored with her most, and is it always students?")
    assert route.intent == "coauthors"


@pytest.mark.parametrize(
    ("first", "then", "fact"),
    [
        ("What is UniMASK?", "how many papers did she publish?", "50 papers are indexed"),
        ("What is UniMASK?", "which papers have code?", "(9 of 50)"),
        (
            "What papers are there on Gemini?",
            "What is the latest paper on reward hacking?",
            "Correlated Proxies",
        ),
    ],
)
def test_a_portfolio_question_after_an_answer_is_not_about_its_paper(
    extractive_bot: QABot, first: str, then: str, fact: str
) -> None:
    assert fact in _chain(extractive_bot, [first, then])[1].answer


def test_a_part_of_a_paper_after_a_list_is_not_the_first_papers(extractive_bot: QABot) -> None:
    answers = _chain(
        extractive_bot, ["What has she done on reward learning?", "how big was the user study?"]
    )
    first = answers[0].citations[0].paper_id
    assert [c.paper_id for c in answers[1].citations] != [first]


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        (
            "what's the loss called in the temporal representation alignment paper?",
            "temporal alignment loss",
        ),
        ("What techniques does the RLHF open problems paper survey?", "overview techniques"),
    ],
)
def test_a_name_or_a_list_asked_for_is_quoted(
    extractive_bot: QABot, question: str, fact: str
) -> None:
    answer = extractive_bot.ask(question)
    assert answer.unstated is None and fact in answer.answer, answer.answer


def test_a_comparison_not_given_is_said_in_the_questions_words(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("How much better than baselines is AssistanceZero?")
    assert answer.unstated == "how much better than baselines"


def test_an_answer_turn_keeps_its_shape(extractive_bot: QABot) -> None:
    assert extractive_bot.ask("What is Dynalang?").as_turn()["shape"] == "definition"


def test_a_superlative_is_how_a_detail_is_asked_not_its_subject(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("What's the biggest Gemma 2 model size?")
    assert not answer.abstained and "27 billion" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "title", "fact"),
    [
        # a paper's name typed in lower case, as chat often is
        ("how many parameters does gemma 2 27b have?", "Gemma 2", "27 billion parameters"),
        ("when was b-pref published?", "B-Pref", "2021"),
        ("what resolution does imagen 3 generate?", "Imagen 3", "does not give the resolution"),
    ],
)
def test_a_papers_name_in_lower_case_is_that_paper(
    extractive_bot: QABot, question: str, title: str, fact: str
) -> None:
    answer = extractive_bot.ask(question)
    assert _titles(answer)[0] == title and fact in answer.answer, answer.answer


# Round four: the first holdout, read once it had been used, and a second one kept back.


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        # a gain asked with its verb: "a 12.9% improvement"
        ("how much did active perception help on MessySurfaces?", "12.9%"),
        ("What time savings did professionals get when working with Gemini 1.5?", "26 to 75%"),
        # sizes are names: "the 2B and 9B models"
        ("Which Gemma 2 models were distilled?", "2B and 9B"),
        # a count in digits beside the thing ("10M tokens") beats one in words ("millions
        # of tokens of context")
        ("how long a context can Gemini 1.5 handle?", "10M tokens"),
    ],
)
def test_a_detail_asked_in_other_words_is_quoted(
    extractive_bot: QABot, question: str, fact: str
) -> None:
    answer = extractive_bot.ask(question)
    assert answer.unstated is None and fact in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "unstated"),
    [
        ("Which VLM was Q-SFT evaluated with?", "which VLM"),
        (
            "What regularization coefficient did they use in the correlated proxies paper?",
            "the regularization coefficient",
        ),
        # an alternative after a slash: "environments/tasks"
        (
            "Which simulated environments/tasks are included in B-Pref?",
            "which simulated environments",
        ),
    ],
)
def test_a_detail_no_abstract_gives_is_admitted(
    extractive_bot: QABot, question: str, unstated: str
) -> None:
    answer = extractive_bot.ask(question)
    assert answer.unstated == unstated, answer.answer


@pytest.mark.parametrize(
    ("question", "lead", "then"),
    [
        # the sentence after goes on about it ("The suite provides …")
        (
            "What is the FACTS Leaderboard?",
            "We introduce The FACTS Leaderboard",
            "four distinct sub-leaderboards",
        ),  # fmt: skip
        # the sentence before gives the idea it rests on; a result ("UniMASK models
        # consistently outperform") is not what it is
        ("Explain UniMASK", "We introduce the UniMASK framework", "different sequence maskings"),
    ],
)
def test_a_definition_quotes_what_its_sentence_leans_on(
    extractive_bot: QABot, question: str, lead: str, then: str
) -> None:
    answer = extractive_bot.ask(question)
    first, _, rest = answer.answer.partition("[1]")
    assert lead in first and then in rest and "outperform" not in answer.answer, answer.answer


def test_she_is_the_researcher_not_the_last_answers_paper(extractive_bot: QABot) -> None:
    answers = _chain(
        extractive_bot,
        ["How long a context can Gemini 1.5 handle?", "who's on the author list?",
         "has she written anything about chain-of-thought monitoring?"],
    )  # fmt: skip
    titles = _titles(answers[2])
    assert titles[0] == "Chain of Thought Monitorability", answers[2].answer
    assert not any(t.startswith("Gemini 1.5") for t in titles), answers[2].answer


@pytest.mark.parametrize(
    ("question", "rest"),
    [
        ("Unrelated: what do they say about X?", "what do they say about X?"),
        ("unrelated question - what is Dynalang?", "what is Dynalang?"),
        ("ok, new question: who wrote it?", "who wrote it?"),
        ("Switching topics, any papers on chess?", "any papers on chess?"),
        ("unrelated work on RL?", None),  # the word, not a marker
    ],
)
def test_a_question_marked_unrelated_starts_afresh(question: str, rest: str | None) -> None:
    from qabot.answering.followups import started_afresh

    assert started_afresh(question) == rest


def test_an_unrelated_question_does_not_read_the_conversation(extractive_bot: QABot) -> None:
    answers = _chain(
        extractive_bot,
        ["How long a context can Gemini 1.5 handle?",
         "Unrelated: what do they say about chain-of-thought monitoring?"],
    )  # fmt: skip
    assert _titles(answers[1]) == ["Chain of Thought Monitorability"], answers[1].answer


@pytest.mark.parametrize("asked", ["where can I get the code?", "can I download the code?"])
def test_where_the_code_is_asks_for_the_last_papers_link(extractive_bot: QABot, asked: str) -> None:
    answers = _chain(extractive_bot, ["What's AssistanceZero?", asked])
    assert "github.com/cassidylaidlaw/minecraft-building-assistance-game" in answers[1].answer


def test_a_word_built_on_a_framing_word_is_searched_for(extractive_bot: QABot) -> None:
    # "personalizing" stems to "person", a framing word ("which person wrote …")
    answer = extractive_bot.ask("Which papers are about personalizing model outputs to users?")
    assert "Context Steering" in _titles(answer), answer.answer


def test_a_paper_of_the_last_list_is_picked_by_a_word_before_one(extractive_bot: QABot) -> None:
    answers = _chain(
        extractive_bot,
        ["Which papers study offline reinforcement learning?", "tell me about the hindsight one",
         "who wrote it?"],
    )  # fmt: skip
    for answer in answers[1:]:
        assert _titles(answer) == ["Interactive Dialogue Agents via Reinforcement Learning on "
                                   "Hindsight Regenerations"], answer.answer  # fmt: skip


@pytest.mark.parametrize(
    ("first", "then", "expected"),
    [
        ("What is Dynalang?", "what else did they do on this?", None),
        ("tell me about the minecraft building assistant paper",
         "what else did they do on assisting humans?", "Learning to Assist Humans without Inferring Rewards"),
    ],
)  # fmt: skip
def test_what_else_leaves_out_the_last_answers_papers(
    extractive_bot: QABot, first: str, then: str, expected: str | None
) -> None:
    answers = _chain(extractive_bot, [first, then])
    before = set(answers[0].cited_paper_ids())
    assert before and not before & set(answers[1].cited_paper_ids()), answers[1].answer
    assert expected is None or expected in _titles(answers[1]), answers[1].answer


def test_no_other_paper_on_it_is_said_so(extractive_bot: QABot) -> None:
    answers = _chain(
        extractive_bot,
        ["Which papers are about reward hacking?", "any other papers on reward hacking?"],
    )
    assert answers[1].abstained
    assert answers[1].answer == (
        "None besides the previous answer's: no other indexed paper is about “reward hacking”."
    )


@pytest.mark.parametrize(
    ("question", "sides"),
    [
        # the question after a side is not part of it
        ("Boltzmann policy distribution vs the optimal behavior prior: how do they differ?",
         ["Boltzmann policy distribution", "optimal behavior prior"]),
        ("assistance games vs RLHF — what's the difference?", ["assistance games", "RLHF"]),
        ("How does Gemini 1.5's context length compare with GPT-4 Turbo's?",
         ["Gemini 1.5's context length", "GPT-4 Turbo"]),
    ],
)  # fmt: skip
def test_a_comparisons_sides_end_where_its_question_starts(question: str, sides: list[str]) -> None:
    from qabot.answering.shapes.compare import compare_sides

    assert compare_sides(question) == sides


@pytest.mark.parametrize(
    ("question", "missing", "title"),
    [
        # a model named only in passing by a paper (Gemini 1.5's "GPT-4 Turbo (128k)"), not
        # an author ("with GPT-4 Turbo")
        ("How does Gemini 1.5's context length compare with GPT-4 Turbo's?", "GPT-4 Turbo",
         "Gemini 1.5"),
        ("compare AssistanceZero with AlphaZero", "AlphaZero", "AssistanceZero"),
    ],
)  # fmt: skip
def test_a_side_no_paper_is_about_is_missing_not_the_other_sides_paper(
    extractive_bot: QABot, question: str, missing: str, title: str
) -> None:
    answer = extractive_bot.ask(question)
    assert answer.answer.startswith(f"The portfolio has no paper about {missing}."), answer.answer
    assert _titles(answer) == [title], answer.answer


def test_a_paper_is_named_by_its_titles_initials(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("Dynalang vs GRIF: how do they use language differently?")
    assert _titles(answer) == ["Learning to Model the World with Language",
                               "Goal Representations for Instruction Following"], answer.answer  # fmt: skip
    defined = extractive_bot.ask("What is GRIF?")
    assert "aligns language not to the goal image" in defined.answer, defined.answer


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("explain Context Steering (CoS) in a nutshell", "Context Steering (CoS)"),
        ("in the RLHF partial observability paper, what is 'overjustification'?",
         "overjustification"),
        ("quick one: what's a sparse autoencoder, as described in the gemma scope work?",
         "sparse autoencoder"),
        ("what do they mean by a human's 'empowerment' in the Empower paper?", "empowerment"),
        ("in offline RL, what does 'stitching' mean? (the histories paper explains it I think)",
         "stitching"),
        ("what is RLHF, per the open problems paper?", "RLHF"),
        ("what's the 'trilemma' that the AI mediation paper talks about?", "trilemma"),
        ("what's the key insight behind coprocessor actor critic?", "coprocessor actor critic"),
    ],
)  # fmt: skip
def test_a_definitions_term_is_read_from_what_stands_around_it(question: str, term: str) -> None:
    from qabot.answering.shapes.terms import defined_term

    assert defined_term(question) == term


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        # "(RLHF) is a technique …"
        ("what is RLHF, per the open problems paper?", "technique for training AI systems"),
        # "this "trilemma"": the sentence before says what it is
        ("what's the 'trilemma' that the AI mediation paper talks about?",
         "broad participation, meaningful deliberation, and political equality"),
        # named in a list ("two failure cases: deceptive inflation and …"), then in its words
        ("what is deceptive inflation?", "deceptively inflate their performance"),
        # "X -- a simple, training-free decoding approach"
        ("explain Context Steering (CoS) in a nutshell", "training-free decoding approach"),
        # an aspect asked for: "Our key insight is that …", "a very simple assumption: …"
        ("what's the key insight behind coprocessor actor critic?",
         "how to induce optimal actions in the world"),
        ("what is the optimal behavior prior assumption?", "closer to optimal than to random"),
    ],
)  # fmt: skip
def test_a_definition_quotes_the_sentence_that_says_it(
    extractive_bot: QABot, question: str, fact: str
) -> None:
    answer = extractive_bot.ask(question)
    assert answer.shape == "definition" and fact in answer.answer, answer.answer


def test_their_papers_are_the_groups_not_the_last_answers(extractive_bot: QABot) -> None:
    answers = _chain(
        extractive_bot,
        ["what's a sparse autoencoder?",
         "Hi! quick question: I'm working on assistive agents, which of their papers should I "
         "look at?"],
    )  # fmt: skip
    assert "Gemma Scope" not in _titles(answers[1]), answers[1].answer
    assert "Learning to Assist Humans without Inferring Rewards" in _titles(answers[1])


@pytest.mark.parametrize(
    ("first", "then", "fact"),
    [
        # a detail asked of nothing named, after an answer about one paper, is about it
        ("tell me about the paper on steering recommenders with plain-language requests",
         "which dataset were the experiments on?", "MovieLens"),
        # "they", "their": that paper's authors
        ("what's the paper with the lego sports car on the messy desk about?",
         "how many surfaces are in the dataset they released?", "70 real-world surfaces"),
        ("what game did they use to scale up assistance games?",
         "what algorithm does their method build on?", "AlphaZero"),
        ("what's Dynalang?", "who led that work?", "Jessy Lin"),
    ],
)  # fmt: skip
def test_a_follow_up_about_the_last_answers_paper_stays_on_it(
    extractive_bot: QABot, first: str, then: str, fact: str
) -> None:
    answers = _chain(extractive_bot, [first, then])
    assert _titles(answers[1]) == _titles(answers[0])[:1], answers[1].answer
    assert fact in answers[1].answer, answers[1].answer


@pytest.mark.parametrize(
    ("question", "sides"),
    [
        ("is UniMASK the same thing as FlexiBiT? they sound alike", ["UniMASK", "FlexiBiT"]),
        ("what's the partial return vs regret preference model paper?", []),  # one paper
    ],
)
def test_what_is_and_is_not_a_comparison(question: str, sides: list[str]) -> None:
    from qabot.answering.shapes.compare import compare_sides

    assert compare_sides(question) == sides


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        # a paper described first, then the question: not "X - what …?", an overview
        ("the paper that audits language models with discrete optimization - what's their "
         "algorithm called?", "ARCA"),
        # "tasks like behavior cloning, …" lists them
        ("which decision-making tasks does UniMASK treat as different maskings?",
         "behavior cloning"),
    ],
)  # fmt: skip
def test_a_detail_of_a_described_paper_is_quoted(
    extractive_bot: QABot, question: str, fact: str
) -> None:
    answer = extractive_bot.ask(question)
    assert answer.shape == "detail" and fact in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        # where a paper's code is: the abstract's link
        ("is the code for the correlated proxies / reward hacking paper public?",
         "github.com/cassidylaidlaw/orpo"),
        ("Overcooked human-AI coordination paper - link to code?",
         "github.com/HumanCompatibleAI/overcooked_ai"),
        # a name right before the head says which ("JumpReLU SAEs"), over one farther off
        ("what kind of SAE architecture does gemma scope use?", "JumpReLU"),
    ],
)  # fmt: skip
def test_a_named_papers_detail_is_quoted(extractive_bot: QABot, question: str, fact: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.unstated is None and fact in answer.answer, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        # named by a quoted part of its title, or by its name: however unknown the detail's
        # words, the answer is that the abstract does not give it
        "how many random seeds did they run in the 'assist humans without inferring rewards' "
        "experiments?",
        "which base LLMs did they apply Context Steering to? llama?",
    ],
)
def test_a_detail_of_a_named_paper_is_in_scope(extractive_bot: QABot, question: str) -> None:
    answer = extractive_bot.ask(question)
    assert not answer.abstained and answer.unstated is not None, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        # a version no paper found uses, though a neighbour shares the name (Gemma 2)
        "what's the Gemma 3 paper say about its vision encoder?",
        "were sparse autoencoders ever trained on Llama 3 in any of these papers?",
        "What does Claude 3.5 do?",
    ],
)
def test_a_model_version_the_portfolio_lacks_is_out_of_scope(
    extractive_bot: QABot, question: str
) -> None:
    assert extractive_bot.ask(question).abstained


@pytest.mark.parametrize(
    "question",
    [
        # a size is not a version, and a version named as a guess at the answer is no subject
        "how many parameters does Gemma 2 27B have?",
        "Which language model did ARCA audit, GPT-2 or something bigger?",
        "which specific LLM (GPT-4? something else?) did the grounded commonsense reasoning "
        "work use?",
    ],
)
def test_a_size_or_an_example_version_is_not_out_of_scope(
    extractive_bot: QABot, question: str
) -> None:
    assert not extractive_bot.ask(question).abstained


@pytest.mark.parametrize(
    ("first", "then", "fact"),
    [
        # "so …" goes on about the last answer's paper, in its words
        ("what's the partial return vs regret preference model paper?",
         "so what does the learned function really approximate?", "optimal advantage function"),
        ("what are the sub-leaderboards in the FACTS benchmark?", "where's it hosted?",
         "kaggle.com/benchmarks/google/facts"),
    ],
)  # fmt: skip
def test_a_question_that_goes_on_stays_on_the_last_paper(
    extractive_bot: QABot, first: str, then: str, fact: str
) -> None:
    answers = _chain(extractive_bot, [first, then])
    assert _titles(answers[1]) == _titles(answers[0])[:1] and fact in answers[1].answer


def test_a_new_subject_after_so_is_not_the_last_paper(extractive_bot: QABot) -> None:
    answers = _chain(extractive_bot, ["What is Dynalang?", "so what has she done on chess?"])
    assert answers[1].abstained, answers[1].answer


def test_which_of_a_persons_papers_is_an_overview(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("which of Anca's papers use the Overcooked game?")
    assert answer.shape == "survey" and len(answer.cited_paper_ids()) >= 2, answer.answer


# The review of round four: each regression it found, fixed.


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("What diseases does coprocessor actor critic target?", "Parkinson"),
        # two terms of one paper, not two sides the portfolio may lack
        ("is deceptive inflation the same thing as overjustification?", "deceptive inflation"),
        # "the … paper" is no name to compare
        ("is UniMASK the same as the bidirectional transformers paper?", "UniMASK"),
        # a main idea is the definition when no sentence names one ("the same idea also …")
        ("what's the main idea of UniMASK?", "We introduce the UniMASK framework"),
        # a version spelled otherwise ("GPT4", "Claude 3") is the one the abstract names
        ("did Gemini 1.5 beat GPT4 Turbo on long context retrieval?", "GPT-4 Turbo (128k)"),
        ("how does Gemini 1.5 compare against Claude 3 on long context retrieval?",
         "Claude 3.0"),
    ],
)  # fmt: skip
def test_the_reviews_single_questions(extractive_bot: QABot, question: str, fact: str) -> None:
    answer = extractive_bot.ask(question)
    assert not answer.abstained and fact in answer.answer, answer.answer
    assert "The portfolio has no paper about" not in answer.answer, answer.answer


def test_a_version_asked_plainly_is_not_an_example(extractive_bot: QABot) -> None:
    assert extractive_bot.ask("What is Gemma 3?").abstained


@pytest.mark.parametrize(
    ("turns", "fact"),
    [
        # "they" asks of the paper, and the title's "Games" is not the question's own word
        (["What is AssistanceZero?", "what game do they use?"], "Minecraft"),
        # "it" with "similar to"/"else": more of the same paper, not others
        (["What is Q-SFT?", "is it similar to ILQL?"], "Q-SFT"),
        (["What is Dynalang?", "what else can it do?"], "Dynalang"),
        # a count of the portfolio's is not of the last paper
        (["What is Dynalang?", "how many papers did they write?"], "50 papers are indexed"),
        # "is it the same as X?": answered, not a missing side
        (["what's context steering?", "is it the same as CTRL-Rec?"], "Context Steering"),
    ],
)
def test_the_reviews_conversations(extractive_bot: QABot, turns: list[str], fact: str) -> None:
    answer = _chain(extractive_bot, turns)[-1]
    assert not answer.abstained and fact in answer.answer, answer.answer


def test_what_else_on_a_paper_lists_others_by_its_subject(extractive_bot: QABot) -> None:
    answers = _chain(
        extractive_bot,
        ["what is the correlated proxies paper about?", "what else did they do on this?"],
    )
    assert not answers[1].abstained and "papers like" not in answers[1].answer
    assert not set(answers[0].cited_paper_ids()) & set(answers[1].cited_paper_ids())


def test_a_bare_follow_up_reads_a_history_kept_as_text(extractive_bot: QABot) -> None:
    first = extractive_bot.ask("What is Q-SFT?")
    history = [{"role": "user", "content": "What is Q-SFT?"},
               {"role": "assistant", "content": first.transcript()}]  # fmt: skip
    answer = extractive_bot.ask("where can I get the code?", history=history)
    assert _titles(answer) == ["Q-SFT"], answer.answer


def test_the_same_thing_as_is_no_reference_to_the_last_answer(extractive_bot: QABot) -> None:
    answers = _chain(
        extractive_bot,
        ["What diseases does coprocessor actor critic target?",
         "is deceptive inflation the same thing as overjustification?"],
    )  # fmt: skip
    assert _titles(answers[1])[0] == "When Your AIs Deceive You", answers[1].answer


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # a title's initials, which no abstract spells and search does not find by
        ("what is TRA?", "Temporal Representation Alignment"),
        ("What is CAC?", "Coprocessor Actor Critic"),
    ],
)
def test_a_paper_is_found_by_its_titles_initials(
    extractive_bot: QABot, question: str, title: str
) -> None:
    answer = extractive_bot.ask(question)
    assert _titles(answer)[:1] == [title], answer.answer


# Round four, last batch, on a set of follow-up chains written blind (dev5.jsonl).


@pytest.mark.parametrize(
    ("turns", "fact"),
    [
        # a yes/no that goes on in the last paper's words ("was there a human study?")
        (["How do they scale up assistance games?", "was there a human study?"],
         "reduces the number of actions participants take"),
        # the aside naming the paper is no part of the detail ("how big is their dataset?")
        (["paper about a robot tidying a desk with a Lego car?", "how big is their dataset?"],
         "70 real-world surfaces"),
        # "where can i find it?" is a place
        (["what are the sub-leaderboards in FACTS?", "where can i find it?"],
         "kaggle.com/benchmarks/google/facts"),
        # "the lead author" asks of the last paper
        (["what does the CoT monitorability paper recommend?", "who's the lead author?"],
         "Tomek Korbak"),
        # a word that is "time" as well ("labeling time") still asks of the last paper
        (["is there a reward learning paper where people label batches of comparisons in a GUI?",
          "how much labeling time did the human users get?"], "Time-Efficient Reward Learning"),
        # a question word opening a second sentence is no name ("…? How many …")
        (["Which paper lets users control recommender systems with natural language?",
          "How many Letterboxd users were in their study?"], "19 Letterboxd users"),
    ],
)  # fmt: skip
def test_the_follow_up_chains_written_blind(
    extractive_bot: QABot, turns: list[str], fact: str
) -> None:
    answer = _chain(extractive_bot, turns)[-1]
    assert not answer.abstained and fact in answer.answer, answer.answer


def test_a_paper_introduces_what_it_builds_a_long_phrase_before(extractive_bot: QABot) -> None:
    # "we introduce a simple environment that requires challenging coordination, based on the
    # popular game Overcooked": that paper introduces it, not the one that "scales to" it
    answer = extractive_bot.ask(
        "Which paper introduced the Overcooked environment for human-AI coordination?"
    )
    assert _titles(answer)[0] == "On the Utility of Learning about Humans for Human-AI Coordination"


def test_what_other_papers_is_an_overview(extractive_bot: QABot) -> None:
    assert extractive_bot.ask("what other papers use Overcooked?").shape == "survey"


def test_a_term_then_explain_it_is_a_definition() -> None:
    from qabot.answering.shapes.terms import defined_term

    assert defined_term("Q-SFT - can you explain it?") == "Q-SFT"


@pytest.mark.parametrize(
    "question", ["How does Context Steering work?", "How does Coprocessor Actor Critic work?"]
)
def test_a_method_that_works_is_no_author(extractive_bot: QABot, question: str) -> None:
    # "X work" reads as an author's work, but not after "how does"
    route = extractive_bot.route(question)
    assert route.filters.author is None and route.shape_name == "definition", route
    assert not extractive_bot.ask(question).abstained


# -- round five: a seventh blind set (tests/data/blind/dev6.jsonl) --------------------------


@pytest.mark.parametrize(
    "question",
    [
        "what approaches has she taken to inverse reinforcement learning / reward inference?",
        "What theoretical work has the group done on why deep RL succeeds or fails?",
        "How does this lab go about training assistive agents?",
        "what's the group's take on how to manage the risks of AGI?",
        "How did their thinking about human models for collaboration change between 2019 and 2022?",
        "How have successor features been used across her work?",
        "I work on embodied agents that take text commands. What from this portfolio should I look at?",
        "I'm new to learning from human comparisons. Recommend some papers from this group on it.",
        "Assistive AI / helper agents: relevant papers please",
        "does anca have anything related to neuroscience or clinical applications?",
        "Has anyone in the group worked on preference-based reward learning?",
        "papers trying to explain theoretically why deep RL succeeds or fails in practice?",
    ],
)
def test_more_overview_phrasings_are_surveys(extractive_bot: QABot, question: str) -> None:
    assert extractive_bot.route(question).shape == "survey", question


@pytest.mark.parametrize(
    "question",
    [
        "Which paper studies misuse by combining several models?",
        "which paper reports results on Overcooked?",
    ],
)
def test_a_verb_after_which_paper_is_no_overview(extractive_bot: QABot, question: str) -> None:
    assert extractive_bot.route(question).shape != "survey", question


def test_a_change_between_years_is_a_survey_in_year_order(extractive_bot: QABot) -> None:
    route = extractive_bot.route(
        "how did their recommender-system research shift from 2022 to 2025?"
    )
    assert route.shape == "survey" and route.chronological


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("overview of the RLHF-related research in this portfolio pls", "RLHF"),
        ("how has the group's offline rl work evolved from 2023 onwards?", "offline rl"),
        ("I'm new to learning from human comparisons. Recommend some papers from this group on it.",
         "learning pairwise preferences"),  # (in the field's terms)
        ("Interested in the AGI-safety/ policy side of her work, not the technical ML. what exists?",
         "AGI-safety policy"),
    ],
)  # fmt: skip
def test_a_surveys_topic_leaves_out_what_only_frames_it(
    extractive_bot: QABot, question: str, topic: str
) -> None:
    assert extractive_bot.route(question).query == topic


def test_a_category_the_question_sets_aside_is_no_filter(extractive_bot: QABot) -> None:
    route = extractive_bot.route("Interested in the policy side of her work, not the technical ML?")
    assert route.filters.categories is None


@pytest.mark.parametrize(
    "question",
    [
        "overview of the RLHF-related research in this portfolio pls",
        "how has the group's offline rl work evolved from 2023 onwards?",
        "how have they used successor-style representations across different papers over time?",
    ],
)
def test_a_word_that_only_frames_a_survey_does_not_make_it_out_of_scope(
    extractive_bot: QABot, question: str
) -> None:
    answer = extractive_bot.ask(question)
    assert not answer.abstained and len(answer.citations) >= 2, answer.answer


def test_when_were_those_published_dates_each_paper_of_the_list(extractive_bot: QABot) -> None:
    first, years = _chain(
        extractive_bot,
        ["what did the group do with masked prediction (BERT-style) for decision making?",
         "when were those published?"],
    )  # fmt: skip
    assert len(first.citations) == 2, first.answer
    assert {c.paper_id for c in years.citations} == {c.paper_id for c in first.citations}
    assert years.answer.count("is dated") == 2 and "2022 [2]" in years.answer, years.answer


@pytest.mark.parametrize(
    ("turns", "titles"),
    [
        (["Tell me about AssistanceZero.", "any other work of theirs on assisting humans?"],
         {"Learning to Assist Humans without Inferring Rewards",
          "Training LLM Agents to Empower Humans"}),
        (["did anca's group write anything on monitoring chain of thought?",
          "what other AI safety papers are there?"],
         {"Managing extreme AI risks amid rapid progress"}),
    ],
)  # fmt: skip
def test_other_papers_on_a_subject_leave_out_the_last_ones(
    extractive_bot: QABot, turns: list[str], titles: set[str]
) -> None:
    *_, answer = _chain(extractive_bot, turns)
    assert not answer.abstained, answer.answer
    assert titles <= {c.title for c in answer.citations}, answer.answer


@pytest.mark.parametrize(
    ("turns", "fact"),
    [
        (["Tell me about AssistanceZero.", "what game environment did they use for it?"],
         "Minecraft"),
        (["Is there a paper on picking preference queries that beats information gain?",
          "what environments did they use?"], "assistive robotics environment"),
        # the sentence after "it may seem promising to …" is what happened instead
        (["is there a paper showing LLMs trained on user feedback learn to manipulate people?",
          "did safety training fix it?"], "backfire"),
        (["how accurate do human models need to be for reward inference to work?",
          "is there bad news too?", "which continuous control tasks did they use?"],
         "does not say which continuous control tasks"),
        (["the dialogue paper that rewrites conversations in hindsight - what domains did it use?"],
         "mental health support"),
        (["the instruction-following paper with 'put the towel next to the microwave' - "
          "what's the core trick?"], "put the towel next to the microwave"),
    ],
)  # fmt: skip
def test_round_five_conversations(extractive_bot: QABot, turns: list[str], fact: str) -> None:
    *_, answer = _chain(extractive_bot, turns)
    assert fact.lower() in answer.answer.lower(), answer.answer


def test_a_thing_of_those_is_the_last_papers_not_the_list(extractive_bot: QABot) -> None:
    *_, answer = _chain(
        extractive_bot,
        ["there's a paper about temporal distances that actually satisfy the triangle inequality?",
         "where do those distances come from?"],
    )  # fmt: skip
    assert "successor features" in answer.answer.lower(), answer.answer


def test_an_overview_with_too_is_still_the_portfolios(extractive_bot: QABot) -> None:
    *_, answer = _chain(
        extractive_bot,
        ["how accurate do human models need to be for reward inference to work?",
         "has the group worked on dialogue too?"],
    )  # fmt: skip
    assert len(answer.citations) >= 2, answer.answer


@pytest.mark.parametrize(
    ("word", "respelled"),
    [("auctions", False), ("legged", False), ("theorem", False), ("contract", False),
     ("recomender", True), ("behaviour", True)],
)  # fmt: skip
def test_a_real_word_is_not_respelled_into_the_corpus_nearest(
    extractive_bot: QABot, word: str, respelled: bool
) -> None:
    assert (extractive_bot.retriever.spelled(word) != word) is respelled


def test_a_real_word_one_letter_from_the_corpus_is_still_out_of_scope(
    extractive_bot: QABot,
) -> None:
    answer = extractive_bot.ask("Any work on language models for legal contract review?")
    assert answer.abstained, answer.answer


# -- the review of round five's first batch: regressions it found, each pinned ---------------


def test_those_before_a_new_question_does_not_narrow_it(extractive_bot: QABot) -> None:
    *_, answer = _chain(
        extractive_bot,
        ["what has she done on recommender systems?", "those are great, now what is Imagen 3?"],
    )
    assert answer.citations and answer.citations[0].title == "Imagen 3", answer.answer


@pytest.mark.parametrize(
    ("turns", "title"),
    [
        (["what is CTRL-Rec?", "does it handle dialogue too?", "what about reward hacking as well?"],
         "Correlated Proxies"),
        (["what is AssistanceZero?", "tell me more about their work"], "AssistanceZero"),
    ],
)  # fmt: skip
def test_a_new_subject_is_not_more_of_the_last_paper(
    extractive_bot: QABot, turns: list[str], title: str
) -> None:
    *_, answer = _chain(extractive_bot, turns)
    assert not answer.citations or _titles(answer)[0] == title, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "what methods have they used in the Dynalang paper?",
        "how does reward hacking change when proxies are correlated?",
        "I'm curious about what UniMASK is",
        "what's Anca's take on the Gemma 2 paper?",
    ],
)
def test_a_question_about_one_thing_is_no_overview(extractive_bot: QABot, question: str) -> None:
    assert extractive_bot.route(question).shape != "survey", question


@pytest.mark.parametrize(
    "question",
    [
        "the group's work on human models - what are the main results?",
        "the most recent work on RLHF - what did it find?",
        "which papers build on the Boltzmann policy paper?",
    ],
)
def test_a_described_group_of_papers_is_still_an_overview(
    extractive_bot: QABot, question: str
) -> None:
    assert extractive_bot.route(question).shape == "survey", question


def test_filler_after_a_year_range_leaves_a_listing(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("what has she published since 2024 onwards pls")
    assert not answer.abstained and len(answer.citations) >= 5, answer.answer


def test_each_paper_of_the_list_is_dated_in_the_lists_order(extractive_bot: QABot) -> None:
    first, years = _chain(
        extractive_bot,
        ["which papers are about dialogue agents trained with RL?", "when were those published?"],
    )
    assert [c.paper_id for c in years.citations] == [c.paper_id for c in first.citations][
        : len(years.citations)
    ], years.answer


# -- round five, definitions (tests/data/blind/dev7.jsonl) ------------------------------------


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("gemma 2 in a nutshell?", "lightweight, state-of-the-art open models"),
        ("eli5 rlhf, based on how the lab's survey paper describes it",
         "a technique for training AI systems to align with human goals"),
        ("How does Dynalang actually work under the hood?",
         "learns a multimodal world model to predict future text and image representations"),
        ("what's the BRIDGE dataset Laidlaw put together?", "155 deterministic MDPs"),
        ("MessySurfaces — what is it?", "images of 70 real-world surfaces"),
        ("eli5 assistance games", "a two-player game where the assistant cannot observe"),
        ("What is Empower, the LLM agent training method?", "maximizing the human's empowerment"),
        ("What's a temporal distance in RL terms?", "estimate the transit time between two states"),
        ("in the preference learning literature what's 'partial return'?",
         "the reward accrued within those segments"),
        ("whats the so-called trilemma in democratic deliberation they talk about",
         "broad participation, meaningful deliberation, and political equality"),
        ("in deepmind's AGI safety approach, what are the two lines of defense against a "
         "misaligned model?", "model-level mitigations"),
    ],
)  # fmt: skip
def test_round_five_definitions(extractive_bot: QABot, question: str, fact: str) -> None:
    answer = extractive_bot.ask(question)
    assert fact.lower() in answer.answer.lower(), answer.answer


@pytest.mark.parametrize(
    "question",
    ["What does ARCA do?", "MessySurfaces — what is it?",
     "Preferences implicit in the state of the world — what's the core idea there?"],
)  # fmt: skip
def test_a_definition_after_a_dash_is_no_overview(extractive_bot: QABot, question: str) -> None:
    assert extractive_bot.route(question).shape == "definition", question


@pytest.mark.parametrize(
    ("turns", "fact"),
    [
        (["Gemma Scope?", "which model sizes does it cover"], "2B and 9B"),
        (["the dialogue work that uses imagined conversations", "what kinds of tasks did they test on"],
         "teaching and preference elicitation"),
        (["the preferences implicit in the state of the world paper", "which algorithm is it built on"],
         "Maximum Causal Entropy IRL"),
        (["that chain of thought monitorability position paper", "first author?"], "Tomek Korbak"),
        (["how much compute / how many GPUs did it take to train Dynalang?"],
         "does not give that figure"),
    ],
)  # fmt: skip
def test_round_five_details(extractive_bot: QABot, turns: list[str], fact: str) -> None:
    *_, answer = _chain(extractive_bot, turns)
    assert fact.lower() in answer.answer.lower(), answer.answer


def test_her_first_paper_is_still_the_earliest(extractive_bot: QABot) -> None:
    assert extractive_bot.route("What was her first paper?").intent == "earliest"


# -- the review of round five's definitions: regressions it found, each pinned ---------------


def test_the_first_one_she_wrote_is_the_earliest(extractive_bot: QABot) -> None:
    assert extractive_bot.route("which was the first one she wrote?").intent == "earliest"


@pytest.mark.parametrize(
    "question", ["summarize everything on RLHF in short", "anything on robotics in short?"]
)
def test_an_overview_in_short_is_still_an_overview(extractive_bot: QABot, question: str) -> None:
    assert extractive_bot.route(question).shape == "survey", question


def test_whats_new_in_a_topic_is_not_the_word_new(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("what's new in RLHF?")
    assert "the new assumption" not in answer.answer, answer.answer


def test_an_announced_list_is_quoted_once_and_whole(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("what are the two lines of defense in the AGI safety paper?")
    assert answer.answer.count("Model-level mitigations") == 1, answer.answer
    assert "System-level security measures" in answer.answer, answer.answer


@pytest.mark.parametrize(
    "question",
    ["In which paper do they explain empowerment?",
     "the first one — what's the core idea there?"],
)  # fmt: skip
def test_which_paper_or_the_first_one_is_no_definition(question: str) -> None:
    from qabot.answering.shapes.terms import defined_term

    assert defined_term(question) is None, question


@pytest.mark.parametrize(
    ("turns", "titles", "left_out"),
    [
        (["tell me about the boltzmann policy distribution paper", "who are the authors",
          "what other papers by that first author are in the collection?"],
         {"Bridging RL Theory and Practice with the Effective Horizon",
          "AssistanceZero: Scalably Solving Assistance Games"},
         "The Boltzmann Policy Distribution"),
        (["the paper on auditing LLMs with discrete optimization", "who did it?",
          "what else has that author done in here?"],
         {"Adversaries Can Misuse Combinations of Safe Models"},
         "Automatically Auditing Large Language Models"),
    ],
)  # fmt: skip
def test_other_papers_by_that_author_are_the_last_papers_authors(
    extractive_bot: QABot, turns: list[str], titles: set[str], left_out: str
) -> None:
    *_, who, others = _chain(extractive_bot, turns)
    assert " is by " in who.answer, who.answer
    cited = {c.title for c in others.citations}
    assert titles <= cited and not any(t.startswith(left_out) for t in cited), others.answer
    assert "besides the previous answer's" in others.answer, others.answer  # the count says so


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("im intrested in robotics, what shoud I read?",
         "I'm interested in robotics, what should I read?"),
        ("theory of deep rl: whats here?", "theory of deep rl: what's here?"),
        ("can you recomend papers on multi-turn RL", "can you recommend papers on multi-turn RL"),
        # names, real words and topic words stay as typed (the search respells topics)
        ("Q-SFT vs IM vs ChatGPT", "Q-SFT vs IM vs ChatGPT"),
        ("auctions and legged robots", "auctions and legged robots"),
        ("Give me summaries of the papers", "Give me summaries of the papers"),  # a plural
        ("any recomender system papers?", "any recomender system papers?"),
    ],
)  # fmt: skip
def test_the_words_that_say_how_a_question_asks_are_read_as_meant(typed: str, read: str) -> None:
    from qabot.answering.framing import respell_asking

    assert respell_asking(typed) == read


def test_a_typo_in_how_an_overview_is_asked_is_no_abstention(extractive_bot: QABot) -> None:
    # dev8: "intrested" and "shoud" read as a subject no paper covers, and the question as a
    # focused one
    answer = extractive_bot.ask("im intrested in robotics, what shoud I read?")
    assert not answer.abstained and answer.shape == "survey", answer.answer
    assert "Toward Grounded Commonsense Reasoning" in _titles(answer), answer.answer


@pytest.mark.parametrize(
    ("first", "later", "paper"),
    [
        ("What's the BRIDGE dataset?", "Is there a follow-up that handles stochastic environments?",
         "The Effective Horizon Explains Deep RL Performance in Stochastic Environments"),
        ("What's the Overcooked human-AI coordination paper about?",
         "Did any later paper in the portfolio use Overcooked too?",
         "Learning to Assist Humans without Inferring Rewards"),
    ],
)  # fmt: skip
def test_a_follow_up_paper_is_another_paper(
    extractive_bot: QABot, first: str, later: str, paper: str
) -> None:
    # dev8: the follow-up was read as about the last paper, or abstained on "follow-up"
    before, after = _chain(extractive_bot, [first, later])
    assert not after.abstained, after.answer
    assert after.citations[0].title == paper, after.answer
    assert before.citations[0].paper_id not in after.cited_paper_ids(), after.answer


@pytest.mark.parametrize(
    ("question", "term"),
    [("Tell me about Dynalang.", "Dynalang"), ("can you tell me about UniMASK?", "UniMASK"),
     ("Tell me about Gemma 2", "Gemma 2"), ("tell me about robotics", None),
     ("Tell me about Robotics", None), ("Tell me about the Overcooked paper", None),
     ("Tell me about Q-SFT?", "Q-SFT"), ("Tell me about HRI", None)],  # an acronym may be a topic
)  # fmt: skip
def test_tell_me_about_a_name_asks_what_it_is(question: str, term: str | None) -> None:
    from qabot.answering.shapes.terms import defined_term

    assert defined_term(question) == term


def test_tell_me_about_a_name_quotes_what_it_is(extractive_bot: QABot) -> None:
    # dev8: the focused answer quoted "Dynalang can be pretrained on text-only data"
    answer = extractive_bot.ask("Tell me about Dynalang.")
    assert "an agent that learns a multimodal world model" in answer.answer, answer.answer


@pytest.mark.parametrize(
    "later",
    ["Quick follow-up: how many participants did they recruit?",
     "What did the follow-up experiment with real humans show?"],
)  # fmt: skip
def test_a_follow_up_question_is_not_a_follow_up_paper(extractive_bot: QABot, later: str) -> None:
    # the review of round six: "follow-up" as chat or as an experiment is about the last paper
    before, after = _chain(extractive_bot, ["What is the Overcooked paper about?", later])
    assert after.cited_paper_ids()[:1] == before.cited_paper_ids()[:1], after.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [("What's the imagined conversations dialogue paper about?",
      "we leverage LLMs to sample diverse synthetic rollouts"),
     ("what is the hindsight regenerations paper about?", "Our key insight is that")],
)  # fmt: skip
def test_what_a_paper_is_about_is_what_it_does(
    extractive_bot: QABot, question: str, said: str
) -> None:
    # dev8: the answer quoted the abstract's opening background ("Large language models (LLMs)
    # have emerged as …"): search had picked only the first passage
    answer = extractive_bot.ask(question)
    assert said in answer.answer, answer.answer
    assert "have emerged as powerful" not in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "term", "aspect"),
    [("Explain the hindsight regeneration idea for dialogue agents.", "hindsight regeneration",
      "idea"),
     ("What is the key idea behind Empower?", "Empower", "idea"),
     ("what is the main insight?", "main insight", "insight")],
)  # fmt: skip
def test_the_x_idea_asks_for_the_idea_of_x(question: str, term: str, aspect: str | None) -> None:
    from qabot.answering.shapes.terms import asked_aspect, defined_term

    assert (defined_term(question), asked_aspect(question)) == (term, aspect)


@pytest.mark.parametrize(
    ("question", "said"),
    [("Preferences implicit in the state of the world — what's the core idea there?",
      "This motivates our key insight: when a robot is deployed"),
     # the insight, and the sentence that puts it to use
     ("Explain the hindsight regeneration idea for dialogue agents.",
      "We use this fact to rewrite and augment existing suboptimal data")],
)  # fmt: skip
def test_the_idea_of_a_paper_is_its_key_insight(
    extractive_bot: QABot, question: str, said: str
) -> None:
    answer = extractive_bot.ask(question)
    assert said in answer.answer, answer.answer


def test_that_is_the_paper_the_last_answer_picked(extractive_bot: QABot) -> None:
    # dev6: after "the one about stochastic environments, …", "what year did that come out?"
    # answered for the first paper of the list before it
    *_, when, who = _chain(extractive_bot, [
        "which papers try to explain why deep RL works in some environments and fails in others?",
        "the one about stochastic environments, what algorithm does it introduce?",
        "what year did that come out?", "who wrote this?"])  # fmt: skip
    for answer in (when, who):
        assert answer.citations[0].title.startswith("The Effective Horizon Explains"), answer.answer
    assert " is by Cassidy Laidlaw" in who.answer, who.answer


def test_the_one_called_a_name_picks_it_from_the_list(extractive_bot: QABot) -> None:
    # dev6: "the one called FlexiBiT" was not read as a pick, and "what does fine-tuning do
    # for it?" as a definition of fine-tuning
    *_, answer = _chain(extractive_bot, [
        "what did the group do with masked prediction (BERT-style) for decision making?",
        "the one called FlexiBiT - what does fine-tuning do for it?"])  # fmt: skip
    assert answer.citations[0].title.startswith("Towards Flexible Inference"), answer.answer
    assert "performance can be further improved by fine-tuning" in answer.answer, answer.answer


def test_how_x_works_goes_on_by_its_short_name(extractive_bot: QABot) -> None:
    # dev5: "we introduce Context Steering (CoS) -- …" then "CoS computes contextual influence
    # by comparing the output probabilities from two LLM forward passes": how it works
    answer = extractive_bot.ask("How does Context Steering work?")
    assert "two LLM forward passes" in answer.answer, answer.answer


def test_what_they_propose_is_what_they_outline(extractive_bot: QABot) -> None:
    # dev5: the answer quoted the abstract's opening ("Artificial Intelligence (AI) is
    # progressing rapidly, …")
    *_, answer = _chain(extractive_bot, [
        "Is the consensus paper by Bengio, Hinton and others on extreme AI risks in here?",
        "what do they propose?"])  # fmt: skip
    assert "proactive, adaptive governance mechanisms" in answer.answer, answer.answer


def test_the_other_one_is_asked_what_the_last_one_was(extractive_bot: QABot) -> None:
    # dev5: "and the other one?" after "the one about hindsight - what domains did they use?"
    *_, other = _chain(extractive_bot, [
        "Which papers train dialogue agents with offline RL on synthetic or rewritten conversations?",
        "the one about hindsight - what domains did they use?", "and the other one?"])  # fmt: skip
    assert other.citations[0].title.startswith("Zero-Shot Goal-Directed Dialogue"), other.answer
    assert "teaching and preference elicitation" in other.answer, other.answer


def test_the_follow_up_on_a_subject_is_that_paper(extractive_bot: QABot) -> None:
    # dev4: "and the follow-up on stochastic environments, what algorithm did that one
    # introduce?" answered for the last paper ("does not say which algorithm")
    *_, answer = _chain(extractive_bot, [
        "how many MDPs are in the BRIDGE dataset?",
        "and the follow-up on stochastic environments, what algorithm did that one introduce?"])  # fmt: skip
    assert answer.citations[0].title.startswith("The Effective Horizon Explains"), answer.answer
    assert "SQIRL" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("turns", "expected"),
    [(["What's the Boltzmann policy distribution?",
       "what else did the first author do on reward hacking?"], {"Correlated Proxies"}),
     (["the dialogue work that uses imagined conversations",
       "any other dialogue RL papers from the same first author?"],
      {"Q-SFT", "Planning without Search", "Interactive Dialogue Agents via Reinforcement Learning on Hindsight Regenerations"})],
)  # fmt: skip
def test_an_authors_other_papers_on_a_subject(
    extractive_bot: QABot, turns: list[str], expected: set[str]
) -> None:
    # dev5, dev4: the author's papers on what the question names, not all of them; "the same
    # first author" is that author
    *_, answer = _chain(extractive_bot, turns)
    titles = set(_titles(answer))
    assert expected <= titles, answer.answer
    assert not titles & {
        "The Boltzmann Policy Distribution",
        "Zero-Shot Goal-Directed Dialogue via RL on Imagined Conversations",
    }, answer.answer


def test_who_is_asking_is_no_subject(extractive_bot: QABot) -> None:
    # dev6: "thesis chapter" was a subject no paper covers: an abstention
    answer = extractive_bot.ask(
        "I'm writing a thesis chapter on persuasive and manipulative technology. "
        "Which of this lab's works would be relevant for me?"
    )
    assert not answer.abstained, answer.answer
    assert "On Targeted Manipulation and Deception when Optimizing LLMs for User Feedback" in {
        c.title for c in answer.citations
    }, answer.answer


# -- the review of round six's follow-ups (a helper, ~190 conversations on f7fa0b9 and f87caea)


def test_who_wrote_the_other_one_asks_its_own_question(extractive_bot: QABot) -> None:
    *_, answer = _chain(extractive_bot, [
        "Which papers study the effective horizon?",
        "The one about stochastic environments - what algorithm did they introduce?",
        "Who wrote the other one?"])  # fmt: skip
    assert answer.citations[0].title.startswith("Bridging RL Theory"), answer.answer
    assert " is by Cassidy Laidlaw" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("first", "then", "listed"),
    [("What is Q-SFT?", "Did this group do anything else on dialogue?",
      "Zero-Shot Goal-Directed Dialogue via RL on Imagined Conversations"),
     ("What is AssistanceZero?", "Did this lab write other papers on assistance games?",
      "Learning to Assist Humans without Inferring Rewards")],
)  # fmt: skip
def test_this_group_is_not_the_last_paper(
    extractive_bot: QABot, first: str, then: str, listed: str
) -> None:
    answer = _chain(extractive_bot, [first, then])[1]
    assert listed in {c.title for c in answer.citations}, answer.answer


@pytest.mark.parametrize(
    "then",
    ["Any other papers from the first author since 2023?",
     "What else has the first author done besides dialogue?",
     "Did the first author write other papers with Sergey Levine?"],
)  # fmt: skip
def test_a_clause_that_is_no_subject_keeps_all_the_authors_papers(
    extractive_bot: QABot, then: str
) -> None:
    answer = _chain(extractive_bot, ["What is Q-SFT?", then])[1]
    assert "Joey Hong" in answer.answer and len(answer.citations) >= 5, answer.answer


def test_what_that_implies_is_not_the_papers_gist(extractive_bot: QABot) -> None:
    answer = _chain(extractive_bot, ["What is AssistanceZero?",
                                     "What does that imply for assistance games?"])[1]  # fmt: skip
    assert "assistance games are a tractable framework" in answer.answer, answer.answer


def test_a_term_only_a_title_names_is_what_the_paper_contributes(extractive_bot: QABot) -> None:
    # dev7: no sentence says "hindsight regenerations"; the answer quoted background
    answer = extractive_bot.ask(
        "hindsight regenerations for dialogue agents: what does that refer to?"
    )
    assert "rewrite and augment existing suboptimal data" in answer.answer, answer.answer
    assert not answer.answer.split(": ", 1)[1].startswith("In reality"), answer.answer


def test_how_small_a_share_is_a_quantity(extractive_bot: QABot) -> None:
    # dev6: "how small …" was no quantity question, and the answer quoted the study's setup
    *_, answer = _chain(extractive_bot, [
        "which paper studies LLMs learning to manipulate users when trained on thumbs-up feedback?",
        "how small a share of vulnerable users was enough for that to happen?"])  # fmt: skip
    assert "2% of users" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [("what did the AssistanceZero human study find?",
      "significantly reduces the number of actions participants take"),
     ("what three experimental settings were used for the generalized acquisition function?",
      "an assistive robotics environment with domain transfer")],
)  # fmt: skip
def test_a_detail_of_a_named_paper_is_read_from_its_whole_abstract(
    extractive_bot: QABot, question: str, said: str
) -> None:
    # dev4: "the AssistanceZero human study" read as a request for the paper's gist, from the
    # passage search picked; "settings" found no "environment"
    answer = extractive_bot.ask(question)
    assert said in answer.answer, answer.answer


def test_the_labs_work_names_no_paper() -> None:
    from qabot.answering.extractive import names_a_paper

    assert names_a_paper("what did the AssistanceZero human study find?")
    assert not names_a_paper("how is empowerment used in the lab's work?")


def test_a_models_name_is_no_count(extractive_bot: QABot) -> None:
    # dev8: "Gemma 2 9B" was read as a count of SAEs
    answer = extractive_bot.ask("How many SAEs does Gemma Scope release in total?")
    assert answer.unstated is not None and "how many SAEs" in answer.answer, answer.answer
    sizes = extractive_bot.ask("how many parameters does the biggest Gemma 2 have?")
    assert "27 billion parameters" in sizes.answer, sizes.answer


@pytest.mark.parametrize(
    ("question", "term"),
    [("what are gemini 2.0 flash and flash-lite meant for?", "gemini 2.0 flash and flash-lite"),
     ("what is Q-SFT used for?", "Q-SFT"), ("what is gemma 2 in a nutshell?", "gemma 2"),
     ("what is RLHF exactly?", "RLHF")],
)  # fmt: skip
def test_what_follows_the_term_is_not_the_term(question: str, term: str) -> None:
    from qabot.answering.shapes.terms import defined_term

    assert defined_term(question) == term


def test_what_a_model_is_meant_for_is_what_it_provides(extractive_bot: QABot) -> None:
    # dev7: "Gemini 2.0 Flash and Flash-Lite provide high performance at low latency and cost"
    # (a plural subject: "provide", not "provides")
    answer = extractive_bot.ask("what are gemini 2.0 flash and flash-lite meant for?")
    assert "high performance at low latency and cost" in answer.answer, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Can you recommend something on reinforcement learning from human feedback?",
        "recommend me a paper on RLHF",
        "could you suggest some reading on learning from human feedback?",
    ],
)
def test_asking_for_a_recommendation_gets_the_reading_list(
    extractive_bot: QABot, question: str
) -> None:
    # dev9: answered as a focused question about "recommend something on …", which searched
    # "recommend" too and led with a paper on influencing human behaviour
    answer = extractive_bot.ask(question)
    assert answer.shape == "survey", answer.answer
    titles = _titles(answer)
    assert (
        "Open Problems and Fundamental Limitations of Reinforcement Learning from Human "
        "Feedback" in titles
    ), answer.answer
    assert len(titles) >= 3, answer.answer


@pytest.mark.parametrize(
    ("question", "topic"),
    [("Can you recommend something on offline RL?", "offline RL"),
     ("recommend me a paper on recommender systems", "recommender systems"),
     ("Could you suggest some work on reward hacking?", "reward hacking"),
     ("any other papers on red-teaming or safety evaluation like that?",
      "red-teaming safety evaluation")],
)  # fmt: skip
def test_recommend_is_not_the_topic_it_asks_for(question: str, topic: str) -> None:
    from qabot.answering.router import topic_query

    assert topic_query(question, None) == topic


@pytest.mark.parametrize(
    "question",
    [
        "I remember an agent that uses diverse language to predict the future, what was it?",
        "There was a paper about an agent that uses diverse language to predict the future. "
        "What's it called?",
        "what was the name of the agent that learns a multimodal world model from language?",
    ],
)
def test_asking_what_a_described_thing_is_called_quotes_the_sentence_that_names_it(
    extractive_bot: QABot, question: str
) -> None:
    # dev9: the answer quoted the description back ("agents should interpret such diverse
    # language …") and never said "Dynalang", the name asked for
    answer = extractive_bot.ask(question)
    assert answer.citations[0].title == "Learning to Model the World with Language"
    assert "We instantiate this in Dynalang, an agent that" in answer.answer, answer.answer


def test_a_name_introduced_nowhere_leaves_the_answer_as_it_was() -> None:
    from qabot.answering.extractive import naming_sentence
    from qabot.answering.sources import SourceBlock

    block = SourceBlock(number=1, paper_id="p", title="T", year=2024, authors="A",
                        text="We study how people learn. Our results show a gap.")  # fmt: skip
    assert naming_sentence(block) is None
    named = SourceBlock(number=1, paper_id="p", title="T", year=2024, authors="A",
                        text="We study X. We introduce CoS, a method. It works.")  # fmt: skip
    assert naming_sentence(named) == "We introduce CoS, a method."


def test_the_x_method_is_defined_by_the_sentence_that_names_x(extractive_bot: QABot) -> None:
    # dev9: "the Empower method" matched no sentence by its whole name, and the answer missed
    # "We propose a new approach … based on maximizing the human's empowerment", which the
    # sentence naming "Our empowerment-maximizing method, Empower" refers back to
    answer = extractive_bot.ask("What is the Empower method?")
    assert "based on maximizing the human's empowerment" in answer.answer, answer.answer
    assert "Our empowerment-maximizing method, Empower" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "stated"),
    [
        ("How many models are ranked on the FACTS Leaderboard?", None),
        ("how many sub-leaderboards does FACTS have?", "four distinct sub-leaderboards"),
        ("How many MDPs are in BRIDGE?", "155 deterministic MDPs"),
        # a size is what the dataset holds, counted: not a "how many" of another thing
        ("How big is the MessySurfaces dataset?", "70 real-world surfaces"),
    ],
)
def test_a_number_that_counts_something_else_is_not_the_count_asked_for(
    extractive_bot: QABot, question: str, stated: str | None
) -> None:
    # dev9: "aggregating the performance of models on four distinct sub-leaderboards" was
    # quoted as the number of models
    answer = extractive_bot.ask(question)
    if stated is None:
        assert answer.unstated == "how many models", answer.answer
    else:
        assert answer.unstated is None and stated in answer.answer, answer.answer


@pytest.mark.parametrize(
    "later", ["how does it compare to FlexiBiT?", "is it related to the FlexiBiT paper?"]
)
def test_it_compared_with_a_named_paper_is_the_last_paper(
    extractive_bot: QABot, later: str
) -> None:
    # dev5: the comparison was limited to the last paper, so the FlexiBiT side found nothing
    # and the bot abstained ("is it related to …" was no comparison at all)
    _, after = _chain(extractive_bot, ["tell me about the UniMASK paper", later])
    assert after.shape == "compare", after.answer
    assert [c.title.split(":")[0] for c in after.citations] == [
        "UniMASK",
        "Towards Flexible Inference in Sequential Decision Problems via Bidirectional Transformers",
    ], after.answer


def test_is_there_a_paper_related_to_x_is_no_comparison(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("is there a paper related to reward hacking?")
    assert answer.shape != "compare", answer.answer
    assert _titles(answer)[0] == "Correlated Proxies", answer.answer


@pytest.mark.parametrize(
    "later", ["did they follow up on stochastic environments?", "is there a follow-up paper?"]
)
def test_a_follow_up_paper_says_what_it_contributes(extractive_bot: QABot, later: str) -> None:
    # dev5: "did they follow up on …" stayed on the last paper; "is there a follow-up paper?"
    # found the later one but quoted its code link, whose URL has the last title's words
    _, after = _chain(extractive_bot, ["What is the BRIDGE dataset?", later])
    assert after.citations[0].title.startswith("The Effective Horizon Explains"), after.answer
    assert "SQIRL" in after.answer and "github.com" not in after.answer, after.answer
    assert "When this is true" not in after.answer, after.answer  # leans on what it leaves out


def test_what_a_paper_found_about_what_it_tested_is_the_sentence_after(
    extractive_bot: QABot,
) -> None:
    # dev5: "We evaluate the performance of agents trained via self-play …" was the answer;
    # what they found is the next sentence
    _, after = _chain(extractive_bot, ["What's the Overcooked paper about?",
                                       "what did they find about self-play agents?"])  # fmt: skip
    assert "significantly worse" in after.answer, after.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("what's the Kalamang thing in the Gemini 1.5 report?", "fewer than 200 speakers"),
        ("what is this trilemma thing?",
         "broad participation, meaningful deliberation, and political equality"),
    ],
)  # fmt: skip
def test_the_x_thing_asks_what_x_is(extractive_bot: QABot, question: str, said: str) -> None:
    # dev5: "Kalamang thing" was the term, which no sentence names; the trilemma's paper came
    # second in search, and only the first source was read whole
    answer = extractive_bot.ask(question)
    assert said in answer.answer, answer.answer


def test_how_a_question_asks_is_no_word_the_sentences_must_share(extractive_bot: QABot) -> None:
    # dev6: "what do they recommend?" quoted one of the two sentences that recommend: "what"
    # and "do" counted as words to match, and held the second below the bar
    _, after = _chain(extractive_bot, ["Is there a paper on monitoring chains of thought?",
                                       "what do they recommend?"])  # fmt: skip
    assert "we recommend further research into CoT monitorability" in after.answer, after.answer
    assert "consider the impact of development decisions" in after.answer, after.answer


def test_the_newer_report_after_one_paper_is_the_next_one_of_its_kind(
    extractive_bot: QABot,
) -> None:
    # dev4: after one paper (no list to pick the newer from) it stayed on Gemini 1.5
    _, after = _chain(extractive_bot, ["tell me about the gemini 1.5 report",
                                       "and the newer gemini report, what models does it cover?"])  # fmt: skip
    assert after.citations[0].title.startswith("Gemini 2.5"), after.answer


def test_that_thing_about_a_passage_is_no_term_to_define(extractive_bot: QABot) -> None:
    # dev4: "thing about translating a tiny language" was the term; the fallback sentence was
    # matched on the words of the title the follow-up names the paper by
    _, after = _chain(extractive_bot, ["tell me about the gemini 1.5 report",
                                       "what was that thing about translating a tiny language?"])  # fmt: skip
    assert "Kalamang" in after.answer, after.answer


@pytest.mark.parametrize(
    ("question", "date"),
    [("when is it fine?", False), ("when does it work well?", False),
     ("when was it published?", True), ("when is it from?", True)],
)  # fmt: skip
def test_when_it_holds_is_no_date(question: str, date: bool) -> None:
    # dev4: "ok and when is it fine?" was answered "… dates from 2022"
    from qabot.answering.extractive import WHEN

    assert bool(WHEN.search(question)) is date
    assert bool(WHEN.search(question.replace("it", "“Some Title”", 1))) is date


@pytest.mark.parametrize(
    "chain",
    [
        ["What is Empower?", "how many people?"],
        ["Which papers use empowerment for assistance?",
         "the one with a user study - how many people?"],
    ],
)  # fmt: skip
def test_how_many_people_after_a_paper_is_its_study_not_a_count_of_papers(
    extractive_bot: QABot, chain: list[str]
) -> None:
    # dev5: read as a count of papers ("Indexed papers among the 1 paper of the previous
    # answer: 1 of 1"), or, alone, as a question about the whole portfolio
    *_, after = _chain(extractive_bot, chain)
    assert "18-person user study" in after.answer, after.answer


@pytest.mark.parametrize(
    ("question", "paper"),
    [("Is CTRL-Rec related to recommender systems?", "CTRL-Rec"),
     ("Is Dynalang related to world models?", "Learning to Model the World with Language"),
     ("Is Q-SFT related to offline RL?", "Q-SFT")],
)  # fmt: skip
def test_is_a_paper_related_to_a_topic_is_about_the_paper(
    extractive_bot: QABot, question: str, paper: str
) -> None:
    # review: "is X related to <topic>?" had become a comparison whose topic side cited
    # unrelated papers; it asks how the one paper is on the topic
    answer = extractive_bot.ask(question)
    assert answer.shape != "compare" and not answer.abstained, answer.answer
    assert answer.citations[0].title.startswith(paper), answer.answer


@pytest.mark.parametrize(
    ("question", "paper", "not_said"),
    [
        ("What did they find about Gemma Scope SAEs?", "Gemma Scope", "huggingface.co"),
        ("What does B-Pref simulate?", "B-Pref", "Source code is available"),
        ("What did the Gemma Scope paper evaluate?", "Gemma Scope", "Evaluating Frontier Models"),
    ],
)
def test_a_link_or_another_paper_naming_the_subject_is_not_the_answer(
    extractive_bot: QABot, question: str, paper: str, not_said: str
) -> None:
    # review: a link's words ("google/gemma-scope") matched the paper's name, and with the
    # asking words no longer counted, another paper's sentence cleared the bar
    answer = extractive_bot.ask(question)
    assert answer.citations[0].title.startswith(paper), answer.answer
    assert not_said not in answer.answer, answer.answer
    assert {c.paper_id for c in answer.citations} == {answer.citations[0].paper_id}, answer.answer


def test_tested_on_real_patients_quotes_what_it_was_tested_on(extractive_bot: QABot) -> None:
    # dev5, dev8 and dev9 alike: "did they test it on real patients?" quoted "patient
    # heterogeneity"; the answer is where they show it works (a model of an injured brain)
    _, after = _chain(extractive_bot, ["Have they done any work on brain stimulation?",
                                       "did they test it on real patients?"])  # fmt: skip
    assert "neurologically realistic model of an injured brain" in after.answer, after.answer


@pytest.mark.parametrize(
    ("question", "shape", "said"),
    [
        ("How many papers are about RLHF?", "survey", "5 papers in the portfolio match"),
        ("What is the main idea of Optimal Behavior Prior?", None, "Optimal Behavior Prior"),
        ("What do the authors recommend frontier developers do?", None,
         "we recommend that frontier model developers consider"),
        ("Any recommendations on interpretability?", "survey", "Gemma Scope"),
        ("I'd like a recommendation for something on deliberation", "survey",
         "Can AI mediation improve democratic deliberation?"),
        ("What was the name of the discrete optimization algorithm for auditing language models?",
         None, ": We introduce a discrete optimization algorithm, ARCA,"),
    ],
)  # fmt: skip
def test_review_questions_answer_what_they_ask(
    extractive_bot: QABot, question: str, shape: str | None, said: str
) -> None:
    # review: a count of papers on a topic said the abstract does not give "how many papers";
    # "the main idea of Optimal Behavior Prior" filtered by an author of that name; "what do
    # the authors recommend" listed the authors; "any recommendations on X" was one paper;
    # the name asked for came after a sentence of background, with "To combat these
    # challenges," leading nowhere
    answer = extractive_bot.ask(question)
    assert not answer.abstained, answer.answer
    assert shape is None or answer.shape == shape, answer.answer
    assert said in answer.answer, answer.answer


def test_which_one_is_the_newest_picks_from_the_last_list(extractive_bot: QABot) -> None:
    # review: the newest paper of the whole portfolio, not of the list just given
    before, after = _chain(extractive_bot, ["Can you recommend something on human models?",
                                            "which one is the newest?"])  # fmt: skip
    listed = before.cited_paper_ids()
    assert after.cited_paper_ids()[0] in listed, after.answer
    years = {c.paper_id: c.year or 0 for c in before.citations}
    assert years[after.cited_paper_ids()[0]] == max(years.values()), after.answer


@pytest.mark.parametrize(
    ("first", "paper"),
    [("Tell me about the effective horizon paper",
      "The Effective Horizon Explains Deep RL Performance in Stochastic Environments"),
     ("Tell me about Learning to Assist Humans without Inferring Rewards",
      "Training LLM Agents to Empower Humans")],
)  # fmt: skip
def test_did_they_follow_up_on_it_finds_the_later_paper(
    extractive_bot: QABot, first: str, paper: str
) -> None:
    # review: the papers the last answer listed beside "it" were left out too (the follow-up
    # was one of them), an earlier paper could be the "follow-up", and a title typed whole
    # lost to a paper whose title opens with a name inside it ("Inferring Rewards …")
    before, after = _chain(extractive_bot, [first, "did they follow up on it?"])
    assert after.citations[0].title == paper, after.answer
    assert (after.citations[0].year or 0) >= (before.citations[0].year or 0)


def test_a_title_typed_whole_is_that_paper(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("Tell me about Learning to Assist Humans without Inferring Rewards")
    assert answer.citations[0].title == "Learning to Assist Humans without Inferring Rewards"


@pytest.mark.parametrize(
    ("question", "said", "abstains"),
    [
        ("Who is Jessy Lin?", "Indexed papers listing Jessy Lin as an author (4 of 50)", True),
        ("who is Sergey Levine?", "Indexed papers listing Sergey Levine as an author", True),
        ("Tell me about Micah Carroll", "Indexed papers listing Micah Carroll as an author", False),
        ("Tell me about Anca", "Main themes of the indexed papers", False),
        ("Who is Anca Dragan?", "Main themes of the indexed papers", False),
    ],
)
def test_who_is_a_person_says_what_the_portfolio_has_of_them(
    extractive_bot: QABot, question: str, said: str, abstains: bool
) -> None:
    # round six left these abstaining with nothing to offer (read as a term to define); who
    # a co-author is the portfolio does not say (holdout: "Who is Geoffrey Hinton?" is
    # labelled unanswerable), so that abstains, with the papers listing them, cited
    answer = extractive_bot.ask(question)
    assert said in answer.answer and answer.citations, answer.answer
    assert answer.abstained is abstains, answer.answer
    if abstains:
        assert answer.answer.startswith("The portfolio does not say who "), answer.answer


@pytest.mark.parametrize(
    "chain",
    [
        ["Tell me about the Gemma Scope release.",
         "is there a paper on that model itself in the portfolio?"],
        ["What is Gemma Scope?", "and the underlying model family, is there a paper on that too?"],
    ],
)  # fmt: skip
def test_a_paper_on_a_thing_the_last_answer_named(extractive_bot: QABot, chain: list[str]) -> None:
    # dev5 and dev6 alike: the last answer names "Gemma 2" ("SAEs trained on … Gemma 2 2B and
    # 9B"), and the question asks for that model's own paper; it stayed on Gemma Scope
    *_, after = _chain(extractive_bot, chain)
    assert after.citations[0].title.startswith("Gemma 2:"), after.answer


def test_a_question_of_the_last_paper_stays_on_it(extractive_bot: QABot) -> None:
    # … but "what dataset is used in the paper?" asks of the paper the last answer was about
    before, after = _chain(extractive_bot, ["What is Gemma Scope?",
                                            "what's the dataset used in the paper?"])  # fmt: skip
    assert after.citations[0].paper_id == before.citations[0].paper_id, after.answer


# -- round eight (dev10) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chain", "title", "said"),
    [
        # "code" was a filter on papers that link code, so a paper without any had none to
        # say it of: "No indexed paper matches these filters …" or a generic abstention
        (["where's the code for Empower?"], "Training LLM Agents to Empower Humans",
         "does not say where its code is"),
        (["Tell me about the Empower paper", "is the code online somewhere?"],
         "Training LLM Agents to Empower Humans", "does not say where its code is"),
        # … and "coding questions" is no place the code is
        (["where's the code for UniMASK?"], "UniMASK: Unified Inference in Sequential Decision "
         "Problems", "https://github.com/micahcarroll/uniMASK"),
        # code as a subject is no filter: Empower is the paper on code assistance
        (["Which paper evaluates multi-turn code assistance?"],
         "Training LLM Agents to Empower Humans", "multi-turn code assistance"),
    ],
)  # fmt: skip
def test_code_asked_of_a_paper_is_no_filter(
    extractive_bot: QABot, chain: list[str], title: str, said: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert answer.citations and answer.citations[0].title == title, answer.answer
    assert said in answer.answer, answer.answer


def test_no_paper_with_code_reads_in_the_singular(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("papers with code from 2025 onwards on reward hacking")
    assert "no paper from 2025 on that links its code is about" in answer.answer, answer.answer


def test_from_a_year_on_a_topic(extractive_bot: QABot) -> None:
    """Round twelve's review: "papers from 2025 on LLMs" listed a 2026 paper ("from 2025 on"
    read as since 2025); "on" opens the topic, so 2025 alone. "from 2023 on?" is still since."""
    answer = extractive_bot.ask("papers from 2025 on LLMs")
    assert answer.citations and all(c.year == 2025 for c in answer.citations), answer.answer
    assert "from 2023 on" in extractive_bot.ask("papers from 2023 on?").answer


@pytest.mark.parametrize(
    ("chain", "fact"),
    [
        # dev10: a list right after the question's own verb answers "what kinds of …"
        (["the Dynalang paper, what's it about?",
          "what kinds of language does the agent learn to leverage?"],
         "environment descriptions, game rules, and instructions"),
        # a name as the first part of a hyphenated word, and the tie to the sentence that says
        # how it was tested ("We show that AssistanceZero outperforms … in the …")
        (["What environment is AssistanceZero tested in?"], "Minecraft-based assistance game"),
        # dev4: the tie to the sentence with the question's words, "method" among them
        (["what tasks did they validate the planning-without-search method on?"],
         "tool use, social deduction, and dialogue"),
        # shorthand spelled out, for the search and for what the detail asks
        (["How many params does Gemma 2 have?"], "2 billion to 27 billion parameters"),
    ],
)  # fmt: skip
def test_round_eight_details(extractive_bot: QABot, chain: list[str], fact: str) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert fact in answer.answer, answer.answer


def test_a_name_used_in_passing_is_not_introduced(extractive_bot: QABot) -> None:
    # dev8 and dev10 alike: "scales to Overcooked, a cooperative game setting" read as
    # introducing Overcooked, so the 2024 paper answered for the 2019 paper's user study
    answer = extractive_bot.ask("How many people were in the Overcooked user study?")
    assert answer.citations[0].title.startswith("On the Utility of Learning about Humans"), (
        answer.answer
    )
    assert "does not say how many people" in answer.answer, answer.answer


def test_a_name_the_subject_is_in_is_a_setting(extractive_bot: QABot) -> None:
    # … but "the empowerment approach … in Overcooked" is about the paper on empowerment
    # there, not the one that introduced the game
    answer = extractive_bot.ask(
        "compare the empowerment approach for assisting humans in Overcooked with the Empower "
        "approach for LLM agents"
    )
    titles = [c.title for c in answer.citations]
    assert titles[:2] == [
        "Learning to Assist Humans without Inferring Rewards",
        "Training LLM Agents to Empower Humans",
    ], answer.answer


@pytest.mark.parametrize(
    "question",
    [
        # dev10: read as a definition of "the lab's take on recomender systems", answered
        # from a paper on chain-of-thought monitoring
        "What's the lab's take on recomender systems?",
        "whats the labs take on recommender systems?",
        # chat shorthand: "can u" is "can you"
        "can u recommend something on recommender systems?",
    ],
)
def test_casual_overviews_are_surveys(extractive_bot: QABot, question: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.shape == "survey", answer.answer
    assert {c.title[:8] for c in answer.citations} >= {"CTRL-Rec", "Estimati"}, answer.answer


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # how-approached as people ask it, besides "how has the group approached X?" (each
        # was a focused answer)
        ("What approaches has the group taken to reward hacking?", None),
        ("What's their approach to reward hacking?", "reward hacking"),
        ("What is the group's approach to human-robot interaction?", "human-robot interaction"),
        ("In what ways has the group addressed reward hacking?", "reward hacking"),
        ("How has Anca Dragan's research addressed human-robot interaction?",
         "human-robot interaction"),
        ("How is reward hacking handled in their work?", "reward hacking"),
        ("What angle do they take on reward hacking?", "reward hacking"),
        ("How do her papers deal with reward hacking?", None),
        ("What does the group's research say about reward hacking?", None),
        ("How does Anca's group think about reward hacking?", None),
    ],
)  # fmt: skip
def test_how_approached_phrasings_are_surveys(
    extractive_bot: QABot, question: str, topic: str | None
) -> None:
    route = extractive_bot.route(question)
    # ("deal", "say", "think", "taken" stay in the query: framed, they cost coverage on dev6
    # and dev9, measured)
    assert route.shape == "survey", route
    assert topic is None or route.query == topic, route


@pytest.mark.parametrize(
    "question",
    ["What is Empower's approach to assistance?", "What's the approach of the Empower paper?"],
)
def test_one_papers_approach_is_no_overview(extractive_bot: QABot, question: str) -> None:
    assert extractive_bot.route(question).shape != "survey", question


_SHIFTS = "Estimating and Penalizing Induced Preference Shifts in Recommender Systems"


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # dev2, dev3, dev6 alike: "feeds" and "agency" are no words of the corpus, and
        # "recommender systems" is in too many chunks to count, so the scope rule abstained
        ("Im interested in recsys and user agency/control over feeds. any work from this group?",
         _SHIFTS),
        ("recsys / content feeds: what has the group published?", _SHIFTS),
        ("Which papers are about recommendation systems like social media feeds?", _SHIFTS),
        # dev10: "evals" is no word of the corpus either (spelled out now)
        ("recommend me something on safety evals",
         "Evaluating Frontier Models for Dangerous Capabilities"),
    ],
)  # fmt: skip
def test_a_subject_in_other_words_is_in_scope(
    extractive_bot: QABot, question: str, title: str
) -> None:
    answer = extractive_bot.ask(question)
    assert not answer.abstained, answer.answer
    assert title in {c.title for c in answer.citations}, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        # … but a pair that names a field, in many titles, names no subject
        "Have they published anything on protein folding with language models?",
        "Any work on language models for legal contract review?",
        "quantum reinforcement learning papers by the group?",
        # … nor what the subject is done with
        "which of her papers predicts stock prices using recommender systems?",
    ],
)
def test_a_field_in_titles_is_no_subject(extractive_bot: QABot, question: str) -> None:
    assert extractive_bot.ask(question).abstained


@pytest.mark.parametrize(
    ("chain", "fact"),
    [
        # a definition condensed with the last question ("Has the group written anything on
        # AI and democracy? what's the 'trilemma' they mention?") took the whole of it as the
        # term, so the sentence that says what the trilemma is was not found
        (["Has the group written anything on AI and democracy?",
          "what's the 'trilemma' they mention?"],
         "broad participation, meaningful deliberation, and political equality"),
        (["did Anca write anything about recommender systems changing what users want over time?",
          "what do they mean by safe shifts?"], "trust region"),
        # a second question in the same breath as a date is answered too
        (["Tell me about Preferences Implicit in the State of the World",
          "what year was it and is the code online somewhere?"],
         "github.com/HumanCompatibleAI/rlsp"),
        (["When did UniMASK come out, and where is the code?"], "github.com/micahcarroll/uniMASK"),
        (["When did Empower come out, and is the code public?"],
         "Its abstract does not say where its code is"),
    ],
)  # fmt: skip
def test_round_eight_follow_ups(extractive_bot: QABot, chain: list[str], fact: str) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert fact in answer.answer, answer.answer


def test_the_paper_on_x_names_it(extractive_bot: QABot) -> None:
    # "In the paper on X, what …?": X names the paper, and is no word its sentence must share
    # (the answer quoted "imagine a collaborative task … how could an agent influence them")
    answer = extractive_bot.ask(
        "In the paper on learning to influence human behavior, what data does the agent learn from?"
    )
    assert answer.citations[0].title.startswith("Learning to Influence Human Behavior"), (
        answer.answer
    )
    assert "dataset of suboptimal human-human interaction" in answer.answer, answer.answer
    assert "Also in the portfolio" not in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "abstains"),
    [
        # dev10: a topic that is a name no passage uses; its other words found papers on
        # reward shaping
        ("what's their work on multi-agent reward shaping in StarCraft?", True),
        ("any papers on AlphaFold?", True),
        # … but a name of an author is no topic, nor "BERT-style" (what it is like)
        ("Give an overview of Vivek Myers' and Anca's representation-learning work with "
         "successor features.", False),
        ("Which papers apply BERT-style masked prediction to sequential decision making?", False),
        ("How have the model reports evolved from 2024 to 2025?", False),
    ],
)  # fmt: skip
def test_a_survey_of_a_name_no_paper_uses(
    extractive_bot: QABot, question: str, abstains: bool
) -> None:
    assert extractive_bot.ask(question).abstained is abstains


@pytest.mark.parametrize(
    "question",
    [
        # the review of round eight: the title pair made these in scope ("recommender
        # system", "language models"): a name no passage uses, and a pair four titles share
        "how do I fix my recommender system for my online shop in Django?",
        "write me a poem about language models",
    ],
)
def test_the_round_eight_review_abstains(extractive_bot: QABot, question: str) -> None:
    assert extractive_bot.ask(question).abstained


def test_the_paper_on_a_setting_is_that_paper(extractive_bot: QABot) -> None:
    # … and "the paper on Overcooked" names the paper, not a setting ("in Overcooked")
    answer = extractive_bot.ask(
        "In the paper on Overcooked, what algorithms do they compare against?"
    )
    assert answer.citations[0].title.startswith("On the Utility of Learning about Humans"), (
        answer.answer
    )


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # the round's review: "say" was a subject word no abstract uses, so the scope rule
        # abstained; and "wht" was no asking word
        ("what does the group say about chain of thought",
         "Chain of Thought Monitorability: A New and Fragile Opportunity for AI Safety"),
        ("wht work is there about sequence models for decision making",
         "UniMASK: Unified Inference in Sequential Decision Problems"),
    ],
)  # fmt: skip
def test_the_round_eight_review_answers(extractive_bot: QABot, question: str, title: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.shape == "survey", answer.answer
    assert title in {c.title for c in answer.citations}, answer.answer


@pytest.mark.parametrize(
    ("chain", "link"),
    [
        # the round's review: where code is, said with its link
        (["papers with code on reward hacking"], "Code: https://github.com/cassidylaidlaw/orpo"),
        (["whats the repo for the orpo / correlated proxies work"],
         "https://github.com/cassidylaidlaw/orpo"),
        (["code for the grounded commonsense reasoning paper?"],
         "https://minaek.github.io/grounded_commonsense_reasoning"),
        # "is the code public?" after an answer asks of its papers, not of the portfolio
        (["What is Gemma Scope?", "is the code public?"], "https://huggingface.co/google/gemma-scope"),
    ],
)  # fmt: skip
def test_code_is_said_with_its_link(extractive_bot: QABot, chain: list[str], link: str) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert link in answer.answer, answer.answer
    assert len(answer.citations) == 1, answer.answer


@pytest.mark.parametrize(
    ("chain", "fact", "title"),
    [
        # the round's review: "tasks ranging from …" lists them
        (["What is Dynalang?", "what tasks is it tested on?"],
         "tasks ranging from game-playing to navigating photorealistic home scans",
         "Learning to Model the World with Language"),
        # a phrase quoted from the last answer is that sentence's paper's (it went to
        # AssistanceZero: "feedback" and "games")
        (["any work on targeted manipulation by LLMs?", "what's 'feedback gaming'?"],
         "feedback gaming", "On Targeted Manipulation and Deception when Optimizing LLMs for "
         "User Feedback"),
    ],
)  # fmt: skip
def test_round_eight_review_chains(
    extractive_bot: QABot, chain: list[str], fact: str, title: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert fact in answer.answer and answer.citations[0].title == title, answer.answer


@pytest.mark.parametrize(
    ("question", "abstains"),
    [
        # the round's review: "the abstract of “A Generalized Acquisition Function …” does not
        # give the stock price"
        ("what is the stock price of Google", True),
        # … but a detail the papers found say in their words is about them
        ("What is an assistance game?", False),
        ("what licence is the Empower code released under?", False),
    ],
)
def test_a_detail_of_nothing_in_the_portfolio(
    extractive_bot: QABot, question: str, abstains: bool
) -> None:
    assert extractive_bot.ask(question).abstained is abstains


def test_the_ways_a_paper_names(extractive_bot: QABot) -> None:
    # dev5: "what were the two ways …" was a definition of "the two ways they split up tasks";
    # "ways" is a thing a detail question asks for ("two decomposition methods: …")
    *_, answer = _chain(extractive_bot, [
        "Is there work showing that combining individually safe models can still be misused?",
        "what were the two ways they split up tasks?"])  # fmt: skip
    assert "manual decomposition" in answer.answer, answer.answer
    assert "automated decomposition" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("chain", "fact"),
    [
        # the second review: "how much did they <verb> it?" asks for a figure of the verb, and
        # a follow-up's title standing for "it" is no part of what it asks
        (["what is Empower?", "how much did participants prefer it?"], "78% of the time"),
        # dev4: "what was it teaching the participants?" read "it teaching …" as the detail
        (["In the Ran Tian paper about influencing how people learn, what robot was used in "
          "the study?", "what was it teaching the participants?"], "better teleoperators"),
    ],
)  # fmt: skip
def test_a_follow_up_detail_of_its_paper(
    extractive_bot: QABot, chain: list[str], fact: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert fact in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("chain", "title"),
    [
        # the second review: "and gemini 2.5?" went on about Gemini 1.5 (its words are the
        # last paper's), though it names another paper's title
        (["Tell me about Gemini 1.5", "and gemini 2.5?"], "Gemini 2.5: Pushing the Frontier"),
        # "which one is about dialogue?" after a list picks from the list (it abstained)
        (["What has Joey Hong worked on?", "which one is about dialogue?"], "Zero-Shot Goal-Directed"),
    ],
)  # fmt: skip
def test_round_eight_second_review_chains(
    extractive_bot: QABot, chain: list[str], title: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert answer.citations and answer.citations[0].title.startswith(title), answer.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # the second review: a personal fact about an author listed their papers as if that
        # answered it
        ("how old is micah carroll", "The portfolio does not say anything personal about Micah Carroll"),
        ("what's Jessy Lin's email?", "The portfolio does not say anything personal about Jessy Lin"),
        ("Who is Jessy Lin?", "The portfolio does not say who Jessy Lin is"),
    ],
)  # fmt: skip
def test_a_personal_fact_is_not_said(extractive_bot: QABot, question: str, said: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.abstained and answer.answer.startswith(said), answer.answer
    assert answer.citations, answer.answer  # … with what the portfolio has of them


@pytest.mark.parametrize(
    ("question", "abstains", "title"),
    [
        # the second review: "gemma 3" in lower case left the version "3" as a name, which
        # "Imagen 3" introduces ("The abstract of “Imagen 3” does not give the context window")
        ("what is the context window of gemma 3", True, None),
        # … a family a title names, in lower case, with its version, is a name
        ("which gemini 1.0 sizes (nano, pro, ultra) were put through the dangerous capability evals?",
         False, "Evaluating Frontier Models for Dangerous Capabilities"),
        ("what architecture changes went into gemma 2?", False, "Gemma 2: Improving Open Language"),
    ],
)  # fmt: skip
def test_a_version_typed_in_lower_case(
    extractive_bot: QABot, question: str, abstains: bool, title: str | None
) -> None:
    answer = extractive_bot.ask(question)
    assert answer.abstained is abstains, answer.answer
    assert title is None or answer.citations[0].title.startswith(title), answer.answer


@pytest.mark.parametrize(
    ("chain", "title"),
    [
        # the second review: a paper of the last list that calls itself "this short consensus
        # paper" (it went to the RLHF open-problems paper)
        (["What has the group done on AI risk?", "tell me more about the consensus paper"],
         "Managing extreme AI risks amid rapid progress"),
        # … but after one paper, "the X paper" names another (dev4)
        (["anca and cassidy laidlaw had a paper on humans being consistently suboptimal, right? "
          "what's the model called", "how does that compare with the optimal-behavior-prior paper?"],
         "The Boltzmann Policy Distribution"),
    ],
)  # fmt: skip
def test_the_x_paper_of_the_last_list(extractive_bot: QABot, chain: list[str], title: str) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert answer.citations[0].title.startswith(title), answer.answer


# -- round nine (dev11) ----------------------------------------------------------------------


def test_papers_by_her_after_the_authors_were_named(extractive_bot: QABot) -> None:
    """dev11: "any other papers by her here?" after "… is by Jessy Lin, Daniel Fried, …" is
    the first named author's other papers (it listed the portfolio's papers on language)."""
    *_, answer = _chain(
        extractive_bot,
        ["I remember a paper that infers rewards from language, something about booking flights",
         "who are the authors?", "any other papers by her here?"],
    )  # fmt: skip
    assert "Jessy Lin" in answer.answer, answer.answer
    cited = {c.title for c in answer.citations}
    assert "UniMASK: Unified Inference in Sequential Decision Problems" in cited, answer.answer
    assert "Inferring Rewards from Language in Context" not in cited, answer.answer


@pytest.mark.parametrize(
    ("chain", "said", "title"),
    [
        # dev11: yes or no of the paper an answer was about, from the sentence that says so
        (["Do they have a paper using the Overcooked game?", "was there a user study in the 2019 one?"],
         "A user study with real humans", "On the Utility of Learning about Humans"),
        (["Which paper introduced the MessySurfaces dataset?", "was it tried on a real robot?"],
         "robot", "Toward Grounded Commonsense Reasoning"),
        (["was there a user study in the AssistanceZero paper?"], "In a human study",
         "AssistanceZero"),
        # … a study with people said without "user study" (dev9, measured)
        (["Is there a paper on controlling recommender systems with natural language?",
          "did they run a user study?"], "In a study with 19 Letterboxd users", "CTRL-Rec"),
        # … or the other of the two the question offers (dev4, measured)
        (["did Anca write anything about recommender systems changing what users want over time?",
          "was it tested with real users or simulation?"], "In simulated experiments",
         "Estimating and Penalizing Induced Preference Shifts"),
        # the review of round nine: human data, or a simulation instead, answer it too (it
        # said the abstract does not say)
        (["was the misspecified human models paper tested with real humans?"],
         "with simulated and human data", "On the Sensitivity of Reward Inference"),
        (["was the targeted manipulation paper tested with real users?"],
         "simulated user feedback", "On Targeted Manipulation"),
        # … and what prior work did is no answer ("neither method has scaled effectively to
        # real-world robot tasks"): the paper's own real world is
        (["did the GRIF paper run on a real robot?"], "robust performance in the real world",
         "Goal Representations for Instruction Following"),
        # … or that its abstract does not say (it quoted the paper's first sentence)
        (["Have they worked on personalizing LLM responses to a user?", "how does it work?",
          "was there a user study?"],
         "does not say whether there was a user study", "Context Steering"),
        (["Did the Gemma 2 paper run a user study?"], "does not say anything about a user study",
         "Gemma 2"),
        # the second review: real hardware is a robot there ("does not say anything about a
        # real hardware")
        (["tell me about the grounded commonsense reasoning paper", "did they test on real hardware?"],
         "robot", "Toward Grounded Commonsense Reasoning"),
    ],
)  # fmt: skip
def test_was_there_a_user_study(
    extractive_bot: QABot, chain: list[str], said: str, title: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer and answer.citations[0].title.startswith(title), answer.answer
    assert len({c.paper_id for c in answer.citations}) == 1, answer.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # dev11: what a paper builds on, said in other words ("extends AlphaZero"); it quoted
        # the human study
        ("what does AssistanceZero build on?", "extends AlphaZero"),
        ("What is Gemma 2 based on?", "modifications to the Transformer architecture"),
        ("what does the Boltzmann policy distribution build on?", "we leverage tools from generative"),
        # … or that its abstract does not say ("agents that leverage diverse language" is no basis)
        ("What does Dynalang build on?", "does not say what it builds on"),
    ],
)  # fmt: skip
def test_what_a_paper_builds_on(extractive_bot: QABot, question: str, said: str) -> None:
    answer = extractive_bot.ask(question)
    assert said in answer.answer and len(answer.citations) == 1, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        # dev11: a request to write quoted a paper ("Evaluating Frontier Models …") as if it
        # answered; the second review of round eight: PPO code was answered with papers
        "Write a tweet summarizing why AI is dangerous.",
        "write a python implementation of PPO",
        "Could you write a short story about assistance games?",
    ],
)
def test_a_request_to_write_is_declined(extractive_bot: QABot, question: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.abstained and not answer.citations, answer.answer
    assert answer.answer.startswith("qabot does not write"), answer.answer


def test_a_summary_is_still_written_from_the_papers(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("write a summary of her work on RLHF")
    assert not answer.abstained and len(answer.citations) >= 3, answer.answer


def test_what_they_found_quotes_a_finding(extractive_bot: QABot) -> None:
    """dev11: the sentence sharing the question's words set it up ("there is increasing
    interest in … thumbs up"); what the paper found comes after it."""
    answer = extractive_bot.ask(
        "What did they find about optimizing LLMs for end-user feedback like thumbs up?"
    )
    assert re.search(r"\b[Ww]e (?:\w+ )?(?:find|found|show)\b", answer.answer), answer.answer
    assert answer.citations[0].title.startswith("On Targeted Manipulation"), answer.answer


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # dev11: how the group took part is framing, not the subject: "critiqued" and
        # "running" are words no abstract uses, and the scope rule abstained on them
        ("how have they critiqued rlhf", "Open Problems and Fundamental Limitations"),
        ("What's their approach to running user studies?", None),
        # … and who asks is not the subject ("journalist")
        ("I'm a journalist covering AI policy. Which of their papers would you recommend?",
         "Managing extreme AI risks amid rapid progress"),
        # the review of round nine: "what would you recommend?" after who asks is a reading list
        ("I'm an undergrad who wants to do RL research with games, what would you recommend?",
         "AssistanceZero"),
    ],
)  # fmt: skip
def test_how_they_took_part_is_not_the_subject(
    extractive_bot: QABot, question: str, title: str | None
) -> None:
    answer = extractive_bot.ask(question)
    assert not answer.abstained and len(answer.citations) >= 2, answer.answer
    assert title is None or any(c.title.startswith(title) for c in answer.citations), answer.answer


@pytest.mark.parametrize(
    ("question", "said", "title"),
    [
        # the review of round nine: a name typed in lower case that a passage introduces
        # ("We instantiate this in Dynalang"); it quoted another paper's code link
        ("is the code for dynalang public?", "does not say where its code is",
         "Learning to Model the World with Language"),
        ("what year was the overcooked paper and is there code?",
         "github.com/HumanCompatibleAI/overcooked_ai", "On the Utility of Learning about Humans"),
        # … but words that papers introduce things with are no names ("a benchmark")
        ("which paper introduces a benchmark for how factual LLM outputs are?", "",
         "The FACTS Leaderboard"),
    ],
)  # fmt: skip
def test_a_name_typed_in_lower_case(
    extractive_bot: QABot, question: str, said: str, title: str
) -> None:
    answer = extractive_bot.ask(question)
    assert said in answer.answer and answer.citations[0].title.startswith(title), answer.answer


@pytest.mark.parametrize(
    ("chain", "listed"),
    [
        # the review of round nine: "other" was a topic word, so no listing; it abstained
        (["any other papers by Erik Jones?"], 2),
        # … after one of his papers, the others
        (["Tell me about the paper showing that combinations of safe models can be misused.",
          "any other papers by Erik Jones?"], 1),
    ],
)  # fmt: skip
def test_other_papers_by_a_named_author(
    extractive_bot: QABot, chain: list[str], listed: int
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert "Erik Jones" in answer.answer and len(answer.citations) == listed, answer.answer
    assert any(c.title.startswith("Automatically Auditing") for c in answer.citations)


def test_which_papers_include_user_studies(extractive_bot: QABot) -> None:
    """The review of round nine: "include" was searched for, and the similarity floor
    abstained ("which papers have a user study?" answered)."""
    answer = extractive_bot.ask("which papers include user studies?")
    assert not answer.abstained and len(answer.citations) >= 3, answer.answer


def test_any_others_like_that_lists_others(extractive_bot: QABot) -> None:
    """The review of round nine: "any others like that?" went focused on one paper; it is a
    list, without the papers the conversation gave."""
    answers = _chain(
        extractive_bot,
        ["anything on dialogue agents?", "the first one - what did they find?",
         "any others like that?"],
    )  # fmt: skip
    last = answers[-1]
    assert last.shape == "survey" and last.citations, last.answer
    assert not set(answers[1].cited_paper_ids()) & set(last.cited_paper_ids()), last.answer


def test_a_request_for_code_points_to_the_code_papers_link(extractive_bot: QABot) -> None:
    """The second review of round nine: declining "write python code that computes the
    effective horizon of an MDP" lost the link the old answer gave to the paper's code."""
    answer = extractive_bot.ask("write python code that computes the effective horizon of an MDP")
    assert answer.answer.startswith("qabot does not write code"), answer.answer
    assert "github.com/cassidylaidlaw/effective-horizon" in answer.answer, answer.answer
    assert answer.citations[0].title.startswith("Bridging RL Theory"), answer.answer


@pytest.mark.parametrize(
    ("chain", "said", "title"),
    [
        # the second review of round nine: a name in apposition before the head word ("scales
        # to Overcooked, a cooperative game setting"); it said the abstract does not say
        (["tell me about learning to assist humans without inferring rewards",
          "what environment did they scale to?"], "scales to Overcooked",
         "Learning to Assist Humans"),
        # … "how big is that model?": "how big the model was", not "the that model"
        (["what is gemma scope?", "and how big is that model?"], "", "Gemma"),
        # … a name typed in lower case, four letters and in capitals in the abstract
        (["how does arca work?"], "ARCA", "Automatically Auditing Large Language Models"),
        # … "which is the oldest?" is of the list just given, not of the portfolio
        (["papers by micah carroll", "which is the oldest?"], "",
         "On the Utility of Learning about Humans"),
    ],
)  # fmt: skip
def test_the_second_review_of_round_nine(
    extractive_bot: QABot, chain: list[str], said: str, title: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer and answer.citations[0].title.startswith(title), answer.answer
    assert "the that" not in answer.answer, answer.answer


def test_a_tldr_is_a_summary(extractive_bot: QABot) -> None:
    """The second review of round nine: "tl;dr" was two words no abstract uses, and the
    scope rule abstained."""
    answer = extractive_bot.ask("give me a tl;dr of the rlhf open problems paper")
    assert not answer.abstained, answer.answer
    assert answer.citations[0].title.startswith("Open Problems and Fundamental"), answer.answer


def test_they_of_an_answer_on_two_papers_is_the_one_the_question_names(
    extractive_bot: QABot,
) -> None:
    """dev11: after an answer citing both effective-horizon papers, "what algorithm do they
    propose for stochastic environments?" is of the one whose title says "Stochastic
    Environments" (it said the first one's abstract does not say)."""
    *_, answer = _chain(
        extractive_bot,
        ["What is the effective horizon work about?",
         "what algorithm do they propose for stochastic environments?"],
    )  # fmt: skip
    assert "SQIRL" in answer.answer, answer.answer
    assert answer.citations[0].title.startswith("The Effective Horizon Explains"), answer.answer


def test_work_built_on_it_is_another_paper(extractive_bot: QABot) -> None:
    """dev11: "is there interpretability work built on it?" after Gemma 2 is Gemma Scope
    ("… on Gemma 2"), not Gemma 2 again."""
    *_, answer = _chain(
        extractive_bot,
        ["Which paper introduces Gemma 2?", "is there interpretability work built on it?"],
    )
    assert answer.citations[0].title.startswith("Gemma Scope"), answer.answer
    assert not any(c.title.startswith("Gemma 2:") for c in answer.citations), answer.answer


# -- round ten (dev12) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chain", "said", "title"),
    [
        # dev12: "there" at the end is the paper the last answer was about (it answered from
        # another paper's "training signal")
        (["What did the group publish in 2025?", "which of those involves robots?",
          "what's the key training signal there?"], "temporal alignment loss",
         "Temporal Representation Alignment"),
        # … "who came up with it?" asks for its authors (it quoted the paper)
        (["What is the effective horizon?", "who came up with it?"], "Cassidy Laidlaw",
         "Bridging RL Theory"),
        # … a yes or no of data, of people, of experiments
        (["What work is there on recommender systems?", "which of those is most recent?",
          "did it use any real data?"], "MovieLens dataset", "CTRL-Rec"),
        (["Is there anything on brain stimulation?", "was it tested on real patients?"],
         "realistic model of an injured brain", "Coprocessor Actor Critic"),
        (["What's their take on chain-of-thought monitoring?", "did they run any experiments?"],
         "does not say anything about experiments", "Chain of Thought Monitorability"),
        # … "and how much video …" after another question: the noun, not "how much" alone
        # (it said the abstract does not give that figure)
        (["Do they have anything on Gemini?", "how long a context can 1.5 handle?",
          "and how much video can 2.5 process?"], "3 hours of video", "Gemini 2.5"),
    ],
)  # fmt: skip
def test_follow_ups_of_round_ten(
    extractive_bot: QABot, chain: list[str], said: str, title: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer and answer.citations[0].title.startswith(title), answer.answer


@pytest.mark.parametrize(
    ("chain", "author", "cited", "not_cited"),
    [
        # dev12: "anything more recent by him?" after a who-when answer: the first named
        # author's later papers (it abstained)
        (["Who wrote the paper on preferences implicit in the state of the world?",
          "anything more recent by him in here?"], "Rohin Shah",
         "An Approach to Technical AGI Safety and Security", "Preferences Implicit"),
        # … and with a question on the same paper between (dev12's chain)
        (["Who wrote the paper on preferences implicit in the state of the world?",
          "what algorithm did it build on?", "anything more recent by him in here?"],
         "Rohin Shah", "An Approach to Technical AGI Safety and Security", "Preferences Implicit"),
        # … "anything more recent by her?" right after an answer on one paper, with no "she"
        # before: its first author's (the third review: it abstained)
        (["tell me about inferring rewards from language in context",
          "anything more recent by her?"], "Jessy Lin", "Learning to Model the World with Language",
         "Inferring Rewards"),
        # … "anything earlier by the first author on X?" (the third review: it gave the authors)
        (["tell me about CTRL-Rec",
          "anything earlier by the first author on recommender systems?"], "",
         "Estimating and Penalizing Induced Preference Shifts in Recommender Systems", "CTRL-Rec"),
        # … "what did the second author work on before?": that author, up to that year (it
        # repeated the paper's authors)
        (["Who wrote Training LLM Agents to Empower Humans?",
          "what did the second author work on before?"], "Vivek Myers",
         "Toward Grounded Commonsense Reasoning", "Training LLM Agents"),
    ],
)  # fmt: skip
def test_an_authors_papers_before_or_after(
    extractive_bot: QABot, chain: list[str], author: str, cited: str, not_cited: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    titles = [c.title for c in answer.citations]
    assert author in answer.answer and cited in titles, answer.answer
    assert not any(t.startswith(not_cited) for t in titles), answer.answer


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        # dev12: a topic's research "developed over the years" is a survey in year order (it
        # counted the portfolio's papers per year) …
        ("How has their dialogue-agent research developed over the years?", "survey"),
        # … while the output's is still the count per year
        ("how has her publication output developed over the years?", None),
        # "what's their theoretical lens on X?" is an overview (it read "how much data" as a
        # detail of one paper)
        ("What's their theoretical lens on how much data RL algorithms need?", "survey"),
    ],
)
def test_overviews_of_round_ten(extractive_bot: QABot, question: str, shape: str | None) -> None:
    answer = extractive_bot.ask(question)
    assert answer.shape == shape, (answer.shape, answer.answer)


def test_which_of_those_lists_no_paper_off_the_topic(extractive_bot: QABot) -> None:
    """dev12: "which of those involves robots?" after the 2025 papers listed the FACTS
    leaderboard after the robot paper: among the papers picked, the others it lists are on
    the topic as judged over the whole portfolio, as a survey's are."""
    *_, answer = _chain(
        extractive_bot, ["What did the group publish in 2025?", "which of those involves robots?"]
    )
    titles = [c.title for c in answer.citations]
    assert titles[0].startswith("Temporal Representation Alignment"), answer.answer
    assert not any("FACTS" in t for t in titles), answer.answer


def test_a_change_with_its_size_far_apart(extractive_bot: QABot) -> None:
    """dev12: "how much did it improve the simulated programmer?" is "increase the success
    rate of a simulated human programmer … by an average of 192%", not the user study's 78%."""
    *_, answer = _chain(
        extractive_bot,
        ["Any papers on LLM agents that help people write code?",
         "how much did it improve the simulated programmer?"],
    )  # fmt: skip
    assert "192%" in answer.answer, answer.answer


def test_compared_with_the_earlier_one_after_one_paper(extractive_bot: QABot) -> None:
    """dev12: "how does the stochastic-environments paper compare with the earlier one?" after
    an answer on the first effective-horizon paper sets the two against each other (it said
    the portfolio has no paper about "earlier one")."""
    *_, answer = _chain(
        extractive_bot,
        ["What is the effective horizon?", "who came up with it?",
         "how does the stochastic-environments paper compare with the earlier one?"],
    )  # fmt: skip
    cited = {c.title for c in answer.citations}
    assert "Bridging RL Theory and Practice with the Effective Horizon" in cited, answer.answer
    assert any(t.startswith("The Effective Horizon Explains") for t in cited), answer.answer
    assert "no paper about" not in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # dev12: how big, as a range of sizes, not one size named ("the 2B and 9B models"),
        # and "the models were", not "the models was"
        ("How big are the Gemma 2 models?", "from 2 billion to 27 billion parameters"),
        # … which thing a paper it names used, asked with the thing as the subject (it quoted
        # the paper's finding)
        ("Which LLM generated the imagined conversations in the zero-shot goal-directed "
         "dialogue paper?", "does not say which LLM"),
        # … but what a thing of the paper is for stays a question about it (dev7, measured)
        ("what's the bisimulation loss for in the observation-history offline RL paper",
         "We introduce a bisimulation loss"),
    ],
)  # fmt: skip
def test_details_of_round_ten(extractive_bot: QABot, question: str, said: str) -> None:
    answer = extractive_bot.ask(question)
    assert said in answer.answer and len({c.paper_id for c in answer.citations}) == 1, answer.answer
    assert "models was" not in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # dev12: "Do you think AGI will arrive before 2030?" quoted the AGI safety paper as if
        # it answered; the first review: declining alone dropped what the papers say ("do you
        # think assistance games will replace RLHF?" had quoted AssistanceZero's view). (A
        # dated forecast is out of scope since round eleven:
        # test_a_dated_forecast_is_not_in_the_portfolio.)
        ("do you think assistance games will replace RLHF?", "AssistanceZero"),
        ("what's your view on chain of thought monitoring?", "Chain of Thought Monitorability"),
        ("in your view, is reward hacking a real problem?", "Correlated Proxies"),
    ],
)
def test_an_opinion_of_qabots_own_is_what_the_papers_say(
    extractive_bot: QABot, question: str, title: str
) -> None:
    answer = extractive_bot.ask(question)
    assert answer.answer.startswith("qabot has no opinions or predictions of its own"), (
        answer.answer
    )
    assert answer.citations and answer.citations[0].title.startswith(title), answer.answer
    assert answer.question == question, answer.question


@pytest.mark.parametrize(
    "question",
    # … while asking for papers, or for the papers' view, is an overview (each quoted one
    # paper: "what do they think about RLHF?" a code link)
    [
        "what do you think I should read on RLHF?",
        "what do they think about RLHF?",
        # the first review of round ten: it led with another paper's code link
        "what do they have on RLHF?",
    ],
)
def test_the_papers_view_is_an_overview(extractive_bot: QABot, question: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.shape == "survey" and len(answer.citations) > 2, answer.answer


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # dev12: the user's own gloss says what they mean ("transparency" is a word no
        # abstract uses; "monitoring how models reason" is what one is about): it abstained
        ("What's the group's approach to transparency, i.e. understanding or monitoring how "
         "models reason?", "Chain of Thought Monitorability"),
        # … "how do they deal with the fact that …" asks how they handle the fact, which is
        # the topic (it searched "deal fact … aren't" and abstained)
        ("How do they deal with the fact that humans aren't perfectly rational?",
         "The Boltzmann Policy Distribution"),
    ],
)  # fmt: skip
def test_an_overview_in_the_users_words(extractive_bot: QABot, question: str, title: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.shape == "survey" and not answer.abstained, answer.answer
    assert any(c.title.startswith(title) for c in answer.citations), answer.answer


@pytest.mark.parametrize(
    ("chain", "first", "second"),
    [
        # the first review of round ten: "it" against "the earlier one" (or "the latest one")
        # of the list two answers back (it set one paper against itself)
        (["what work is there on recommender systems?", "which is the most recent?",
          "how does it compare with the earlier one?"], "CTRL-Rec", "Estimating and Penalizing"),
        (["papers with Sergey Levine", "which is the earliest?",
          "how does the latest one compare with it?"], "Planning without Search",
         "Learning to Influence Human Behavior"),
        # … or of the two papers the last two answers were about
        (["tell me about the paper on misusing combinations of safe models",
          "what did the first author do before?", "how does it compare with the earlier one?"],
         "Adversaries Can Misuse", "Automatically Auditing"),
    ],
)  # fmt: skip
def test_it_against_the_earlier_one(
    extractive_bot: QABot, chain: list[str], first: str, second: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert answer.shape == "compare", answer.answer
    titles = [c.title for c in answer.citations]
    assert len(titles) == 2 and titles[0].startswith(first) and titles[1].startswith(second), titles
    assert "“" not in answer.answer.split("\n")[0], answer.answer  # a heading without quotes


def test_a_detail_of_a_paper_described_by_its_title_words(extractive_bot: QABot) -> None:
    """The first review of round ten: "did the RLHF open problems paper run any experiments?"
    abstained (its words read as framing); the paper is in the portfolio."""
    answer = extractive_bot.ask("did the RLHF open problems paper run any experiments?")
    assert not answer.abstained, answer.answer
    assert answer.citations[0].title.startswith("Open Problems and Fundamental"), answer.answer


@pytest.mark.parametrize(
    ("chain", "said", "title"),
    [
        # the second review of round ten: "that model" a detail answer named is its own paper
        # (it said Gemma Scope's abstract "does not say how big is that model")
        (["what's Gemma Scope?", "which model is it trained on?", "how big is that model?"],
         "from 2 billion to 27 billion parameters", "Gemma 2:"),
        # … "the optimal behavior prior paper" after the Boltzmann papers is that paper (it
        # repeated the Boltzmann policy distribution)
        (["tell me about the boltzmann policy distribution paper",
          "how does it compare to imitation learning?", "what about the optimal behavior prior paper?"],
         "", "Optimal Behavior Prior"),
        # … "the 2023 one" of a list is the list's paper from 2023 (it listed 2023's papers)
        (["robot instruction following papers?", "how does the 2023 one work?"], "",
         "Goal Representations for Instruction Following"),
        # … "it" after another paper named first is that paper (it answered for Gemini 1.5)
        (["what's new in Gemini 1.5?", "what language did it learn?",
          "how about gemini 2.5, how much video can it handle?"], "3 hours of video", "Gemini 2.5"),
    ],
)  # fmt: skip
def test_the_second_review_of_round_ten(
    extractive_bot: QABot, chain: list[str], said: str, title: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer and answer.citations[0].title.startswith(title), answer.answer
    assert "is that model" not in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("chain", "said", "title"),
    [
        # the first review of round ten: yes or no of a thing a paper may use, by name (it
        # quoted the paper's first sentence) …
        (["does the time-efficient reward learning paper use mujoco?"], "simple Mujoco tasks",
         "Time-Efficient Reward Learning"),
        (["Does Gemma 2 use knowledge distillation?"], "with knowledge distillation", "Gemma 2:"),
        (["does Dynalang use Atari?"], "does not say anything about Atari",
         "Learning to Model the World with Language"),
        # … "tested on people?" (it quoted three method sentences)
        (["was the human learning dynamics work tested on people?"], "in-person user study",
         "Towards Modeling and Influencing the Dynamics of Human Learning"),
        # … "which came first?" after two papers, one answer each (it gave the portfolio's
        # earliest paper)
        (["what is UniMASK?", "and FlexiBiT?", "which came first?"], "just discussed",
         "Towards Flexible Inference in Sequential Decision Problems"),
        # … "what else has the first author done since?": after the paper's year
        (["tell me about Q-SFT", "what else has the first author done since?"], "from 2024 on",
         "Interactive Dialogue Agents"),
    ],
)  # fmt: skip
def test_the_first_review_of_round_ten(
    extractive_bot: QABot, chain: list[str], said: str, title: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer and answer.citations[0].title.startswith(title), answer.answer


def test_how_the_authors_view_a_thing_is_not_who_they_are(extractive_bot: QABot) -> None:
    """The first review of round ten: "how do the authors view sparse autoencoders?" gave
    Gemma Scope's author list."""
    answer = extractive_bot.ask("how do the authors view sparse autoencoders?")
    assert answer.shape != "who-when" and "Sparse autoencoders" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("chain", "said", "title"),
    [
        # the third review of round ten: where only what others do names the thing ("Current
        # solutions, such as … fine-tuning"), what the paper does instead follows
        (["does the context steering paper use fine-tuning?"], "training-free decoding approach",
         "Context Steering"),
        # … "the adversaries paper" is the paper with that word in its title, not the one that
        # mentions GPT-4
        (["does the adversaries paper use GPT-4?"], "does not say anything about GPT-4",
         "Adversaries Can Misuse"),
        # … "which of those involve robots?": a paper of the list with the word in its title
        # stays listed (judged over the whole portfolio, it was dropped)
        (["papers by Vivek Myers?", "which of those involve robots?"], "Robot Instruction Following",
         "Toward Grounded Commonsense Reasoning"),
        # … "it" against "the earlier one" with one paper known is not set against itself
        (["what's the dynalang paper?", "was it tested on people?",
          "how does it compare with the earlier one?"],
         "Which paper “the earlier one” is, the conversation does not say",
         "Learning to Model the World with Language"),
    ],
)  # fmt: skip
def test_the_third_review_of_round_ten(
    extractive_bot: QABot, chain: list[str], said: str, title: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer and answer.citations[0].title.startswith(title), answer.answer
    assert len({c.paper_id for c in answer.citations}) == len(answer.citations), answer.answer


def test_a_question_wrapped_in_do_you_think(extractive_bot: QABot) -> None:
    """The third review of round ten: "what do you think the main finding of X is?" asks for
    the finding (it abstained), not qabot's opinion."""
    question = "what do you think the main finding of the targeted manipulation paper is?"
    answer = extractive_bot.ask(question)
    assert not answer.abstained and "learned reliably" in answer.answer, answer.answer
    assert "no opinions" not in answer.answer and answer.question == question, answer.answer


def test_the_one_paper_of_an_overview_says_a_little_more(extractive_bot: QABot) -> None:
    """dev12: "What's their take on chain-of-thought monitoring?" found one paper and gave one
    sentence, its framing; the one paper an overview finds gets its two best sentences ("CoT
    monitoring is imperfect …" is the paper's take)."""
    answer = extractive_bot.ask("What's their take on chain-of-thought monitoring?")
    assert answer.answer.startswith("1 paper in the portfolio matches"), answer.answer
    assert "CoT monitoring is imperfect" in answer.answer, answer.answer
    assert answer.answer.count("[1]") == 2, answer.answer


def test_a_list_of_one_paper_just_discussed_reads_as_one(extractive_bot: QABot) -> None:
    """Templates read for one as for many: not "among the 1 paper …". Round thirteen: the
    code of the one paper just discussed is said of it, by title, as its absence is."""
    *_, answer = _chain(extractive_bot, ["what is AssistanceZero?", "is the code out?"])
    assert answer.answer.startswith(
        "“AssistanceZero: Scalably Solving Assistance Games” (Apr 9, 2025) links its code: "
        "https://github.com/cassidylaidlaw/"
    ), answer.answer


# -- round eleven: classes found on a fourteenth blind set (dev13) ---------------------------


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # how the group went about a topic, in wordings no earlier set used (they were
        # answered as one paper's detail, or abstained on "brought" / "attack", words no
        # abstract uses)
        ("What methods have they brought to modeling human suboptimality?",
         "The Boltzmann Policy Distribution"),
        ("How do these papers attack long-horizon planning and search?",
         "Planning without Search"),
        ("What's been their strategy for personalization?", "Context Steering"),
        # ("ahead", an adverb no abstract uses, was read as the subject the portfolio lacks)
        ("What's been their strategy for getting agents to plan ahead?", "Planning without Search"),
        ("what methods have they brought to studying deception by AI?",
         "When Your AIs Deceive You"),
    ],
)  # fmt: skip
def test_overviews_of_round_eleven(extractive_bot: QABot, question: str, title: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.shape == "survey" and not answer.abstained, (answer.shape, answer.answer)
    assert any(c.title.startswith(title) for c in answer.citations), answer.answer


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        # the group or its papers doing something to a topic is an overview; a comparison,
        # something a topic does, or a thing said before is not
        ("How do their papers frame the problem of reward hacking?", "survey"),
        ("How do they compare to PPO?", "compare"),
        ("how do reward models fail?", "focused"),
    ],
)
def test_what_the_group_does_to_a_topic(extractive_bot: QABot, question: str, shape: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.shape == shape, (answer.shape, answer.answer)


@pytest.mark.parametrize(
    ("chain", "said", "title"),
    [
        # dev13: "which one is newer?" after a list of two picks the newer (it answered from
        # the first listed) and the next turn keeps it
        (["What have they done on recommender systems?", "which one is newer?",
          "how many users were in the study?"], "19 Letterboxd users", "CTRL-Rec"),
        # "who worked on the X paper?" asks for its authors (it quoted the paper)
        (["Who worked on the chain of thought monitorability paper?"], "Tomek Korbak",
         "Chain of Thought Monitorability"),
        # "did they run an experiment?" of a paper whose abstract does not say (it quoted the
        # abstract's first sentence)
        (["Has the group written anything about democracy?", "did they run an experiment?"],
         "does not say anything about an experiment", "Can AI mediation"),
    ],
)  # fmt: skip
def test_follow_ups_of_round_eleven(
    extractive_bot: QABot, chain: list[str], said: str, title: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer and answer.citations[0].title.startswith(title), answer.answer


@pytest.mark.parametrize(
    ("chain", "said", "unstated"),
    [
        # dev13: which one did best, of a paper whose abstract names no winner (it quoted how
        # the suite is scored) …
        (["Tell me about the FACTS Leaderboard", "which model scored best?"],
         "does not say which model did best", "which model did best"),
        # … and of one that says it, without naming the model
        (["which model is the best in the Gemma 2 paper?"],
         "deliver the best performance for their size", None),
        # what a paper compared against: the sentence that sets others beside it by name (it
        # quoted the sentence introducing SQIRL)
        (["What's the effective horizon?", "is there a follow-up paper?",
          "which algorithms did they compare against?"], "correlates with PPO and DQN", None),
    ],
)  # fmt: skip
def test_details_of_round_eleven(
    extractive_bot: QABot, chain: list[str], said: str, unstated: str | None
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer and answer.unstated == unstated, answer.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # dev13: how a method works, from its "Our insight is …" (without "key") and what
        # follows (it gave the GUI sentence alone) …
        ("How does visually assisted cluster ranking work?", "by batching comparisons together"),
        # … and a method named by its title's words, with an acronym the title spells out
        # ("RL": "Reinforcement Learning"): what the paper contributes (it quoted background)
        ("Explain RL on hindsight regenerations for dialogue agents",
         "rewrite and augment existing suboptimal data"),
    ],
)  # fmt: skip
def test_definitions_of_round_eleven(extractive_bot: QABot, question: str, said: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.shape == "definition" and said in answer.answer, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        # dev12 and dev13's writers, independently, hold a dated forecast out of scope (it
        # gave the no-opinion line and the AGI paper's opening sentence)
        "Do you think AGI will arrive before 2030?",
        "will RLHF be replaced within the next five years?",
        # (the third review: "within five years" got the no-opinion line and a paper)
        "do you think reward hacking will be solved within five years?",
    ],
)
def test_a_dated_forecast_is_not_in_the_portfolio(extractive_bot: QABot, question: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.abstained and not answer.citations, answer.answer
    assert answer.answer.startswith("qabot makes no predictions of its own"), answer.answer


def test_an_undated_opinion_still_gets_the_papers_view(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("Do you think assistance games will replace RLHF?")
    assert not answer.abstained and answer.citations[0].title.startswith("AssistanceZero")


@pytest.mark.parametrize(
    ("question", "count"),
    [
        # "anything" is no topic: the year's papers (it said no paper from 2024 is about "Did
        # they publish anything in 2024?")
        ("Did they publish anything in 2024?", 16),
        ("did she publish something in 2026?", 1),
    ],
)
def test_anything_in_a_year_lists_the_years_papers(
    extractive_bot: QABot, question: str, count: int
) -> None:
    answer = extractive_bot.ask(question)
    assert answer.answer.startswith("Indexed papers from"), answer.answer
    assert len(answer.citations) == count


def test_what_a_paper_found_asked_alone(extractive_bot: QABot) -> None:
    """dev13: "what did it find?" after the Overcooked paper gave only the sentence with "we
    find" in it; the main finding follows what the paper tested ("We evaluate …")."""
    *_, answer = _chain(extractive_bot, ["who wrote the overcooked paper?", "what did it find?"])
    assert "significantly worse than agents designed to play with" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("chain", "said", "title"),
    [
        # round eleven's reviews: "did they run an experiment?" of a paper that reports a
        # result without the word (it said the abstract does not say)
        (["what papers are on assistance games or empowerment?", "tell me more about the second one",
          "did they run an experiment?"], "Empirically, our proposed method outperforms",
         "Learning to Assist Humans"),
        (["what about the optimal behavior prior?", "did they run an experiment?"],
         "We show that using optimal behavior as a prior", "Optimal Behavior Prior"),
        # … what a paper compared against, said in words (it quoted the paper's first sentence)
        (["AssistanceZero?", "what did they compare against?"],
         "outperforms model-free RL algorithms and imitation learning", "AssistanceZero"),
        # … which did best: the paper's own approach, by its improvement over baselines (it
        # said the abstract does not say)
        (["what's in the grounded commonsense reasoning paper?", "which model did best?"],
         "12.9% improvement on the MessySurfaces benchmark", "Toward Grounded Commonsense"),
        # … "who worked on it?" gives the authors (it quoted the abstract)
        (["tell me about CTRL-Rec", "who worked on it?"], "Micah Carroll", "CTRL-Rec"),
        # … "which one is older?" after two answers on one paper each: of those two (it
        # answered from the last one, the newer), said with both dates first
        (["what's the Boltzmann policy distribution?", "what about the optimal behavior prior?",
          "which one is older?"], "Suboptimality in Human Models”, from Apr 22, 2022 (“Optimal "
         "Behavior Prior: Data-Efficient Human Models for Improved Human-AI Collaboration” is "
         "from Nov 3, 2022):", "The Boltzmann Policy"),
    ],
)  # fmt: skip
def test_the_reviews_of_round_eleven(
    extractive_bot: QABot, chain: list[str], said: str, title: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer and answer.citations[0].title.startswith(title), answer.answer
    assert answer.unstated is None, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        # "these authors" doing something to a topic is an overview, not who wrote a paper
        "how do these authors deal with partial observability?",
        "in what ways have these authors studied manipulation?",
    ],
)
def test_what_these_authors_did_on_a_topic(extractive_bot: QABot, question: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.shape == "survey", (answer.shape, answer.answer)


@pytest.mark.parametrize(
    ("question", "said", "title"),
    [
        # round eleven's reviews: one side no paper is about, named in the other side's paper
        # (it said "The portfolio has no paper about PPO" and quoted the SQIRL sentence)
        ("how does SQIRL compare to PPO?", "strongly correlates with PPO and DQN",
         "The Effective Horizon Explains"),
        ("How does AssistanceZero compare to AlphaZero?", "extends AlphaZero", "AssistanceZero"),
    ],
)  # fmt: skip
def test_a_comparison_within_one_paper(
    extractive_bot: QABot, question: str, said: str, title: str
) -> None:
    answer = extractive_bot.ask(question)
    assert said in answer.answer and answer.citations[0].title.startswith(title), answer.answer
    assert "no paper about" in answer.answer and len(answer.citations) == 1, answer.answer


def test_a_missing_side_no_paper_names_is_still_missing(extractive_bot: QABot) -> None:
    answer = extractive_bot.ask("how does Gemma 2 compare to Llama 3?")
    assert answer.answer.startswith("The portfolio has no paper about Llama 3."), answer.answer


def test_a_researchers_career_is_no_papers_detail(extractive_bot: QABot) -> None:
    """Round eleven's second review: "how many phd students does anca supervise" said the
    BRIDGE abstract does not give how many phd students; no abstract is about that."""
    answer = extractive_bot.ask("how many phd students does anca supervise")
    assert answer.abstained and not answer.citations, answer.answer
    # … while the people of a paper's study are its detail
    study = extractive_bot.ask("how many people were in the CTRL-Rec user study?")
    assert "19 Letterboxd users" in study.answer, study.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # the third review of round eleven: what a paper beat, asked so (it abstained) …
        ("what did AssistanceZero beat?", "outperforms model-free RL algorithms"),
        # … and which did best, said as "superior performance" (it said the abstract does
        # not say)
        ("which method did best in the preference-based reward learning acquisition paper?",
         "superior performance of our querying method"),
    ],
)  # fmt: skip
def test_what_a_paper_beat(extractive_bot: QABot, question: str, said: str) -> None:
    answer = extractive_bot.ask(question)
    assert said in answer.answer and answer.unstated is None, answer.answer


def test_a_described_paper_named_by_another_title(extractive_bot: QABot) -> None:
    """Round eleven's second review: "what about the imagined conversations one?" after the
    hindsight paper answered from the hindsight paper (its abstract says "conversation");
    every word of the description is another paper's title."""
    *_, answer = _chain(
        extractive_bot,
        [
            "tell me about the hindsight regenerations paper",
            "what about the imagined conversations one?",
        ],
    )
    assert answer.citations[0].title.startswith("Zero-Shot Goal-Directed Dialogue"), answer.answer


def test_no_half_sentence_cut_after_an_abbreviation(extractive_bot: QABot) -> None:
    """The third review: an overview quoted "Modeling the human as Boltzmann-rational w.r.t
    [8]." (the chunker split after "w.r.t."); the whole sentence is in the next passage."""
    answer = extractive_bot.ask("human models: whats here?")
    assert "w.r.t [" not in answer.answer, answer.answer
    assert "w.r.t. a belief over trajectories" in answer.answer, answer.answer


def test_what_a_paper_builds_on_by_its_citation(extractive_bot: QABot) -> None:
    """dev12: "which earlier system does it build on?" of the AI mediation paper said the
    abstract does not say; it cites the system it engages with, "(Tessler, Bakker, et al.,
    2024)"."""
    *_, answer = _chain(
        extractive_bot,
        [
            "what's the trilemma in democratic deliberation?",
            "which earlier system does it build on?",
        ],
    )
    assert "(Tessler, Bakker, et al., 2024)" in answer.answer and answer.unstated is None


# -- round twelve: classes found on a fifteenth blind set (dev14) ----------------------------


@pytest.mark.parametrize(
    ("chain", "said", "title"),
    [
        # a figure the question quotes names the paper that reports it (it abstained: the
        # embedding reads "192%" as nothing, and the paper was sixth) …
        (["Which paper reports a 192% improvement?"], "by an average of 192%",
         "Training LLM Agents to Empower Humans"),
        # … and "improvement over what?", a question ending in its asking word, is about it
        (["Which paper reports a 192% improvement?", "improvement over what?"],
         "over an SFT baseline", "Training LLM Agents to Empower Humans"),
        # "across how many job categories?" is a detail of the paper, not of the portfolio
        (["Which paper found 26 to 75% time savings for professionals?",
          "across how many job categories?"], "10 different job categories", "Gemini 1.5"),
        # "it" after an answer that found nothing is the paper of the answer before
        (["What's the Gemini 2.5 report about?", "how many parameters does 2.5 Pro have?",
          "how much video can it process?"], "3 hours of video", "Gemini 2.5"),
        # "what's the trick?" of one paper: its "Our insight is …" (it searched the portfolio)
        (["Is there a paper on time-efficient reward learning?", "what's the trick?"],
         "by batching comparisons together", "Time-Efficient Reward Learning"),
        # "does it use RL?": the abstract spells the abbreviation out
        (["Explain Temporal Representation Alignment", "does it use RL?"],
         "explicit subtask planning or reinforcement learning", "Temporal Representation Alignment"),
        # what a paper beat, said "in comparison to" (it said the abstract does not say)
        (["Tell me about Inferring Rewards from Language in Context", "what baseline did it beat?"],
         "in comparison to past work", "Inferring Rewards from Language in Context"),
        # "how did they evaluate it?": the sentence on its experiments (it quoted the method)
        (["Tell me about CTRL-Rec", "how did they evaluate it?"],
         "In experiments with the MovieLens dataset", "CTRL-Rec"),
    ],
)  # fmt: skip
def test_follow_ups_of_round_twelve(
    extractive_bot: QABot, chain: list[str], said: str, title: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer and answer.citations[0].title.startswith(title), answer.answer
    assert answer.unstated is None, answer.unstated


def test_a_paper_asked_for_by_words_of_its_title(extractive_bot: QABot) -> None:
    """dev14: "Is there a paper on time-efficient reward learning?" answered from another
    reward-learning paper; three words or more of one title in a row name that paper, but not
    a topic carried over from an overview ("which one is a benchmark?")."""
    answer = extractive_bot.ask("Is there a paper on time-efficient reward learning?")
    assert answer.citations[0].title.startswith("Time-Efficient Reward Learning"), answer.answer
    *_, answer = _chain(
        extractive_bot,
        ["Anything on preference-based reward learning?", "which one is a benchmark?"],
    )
    assert answer.citations[0].title.startswith("B-Pref"), answer.answer


def test_a_gain_from_something(extractive_bot: QABot) -> None:
    """dev14: "how big was the gain from active perception?" said the abstract does not say;
    it gives "an average 12.9% improvement"."""
    answer = extractive_bot.ask("How big was the gain from active perception on MessySurfaces?")
    assert "12.9% improvement" in answer.answer and answer.unstated is None, answer.answer


@pytest.mark.parametrize(
    ("question", "said", "title"),
    [
        # round twelve's review: a figure with a unit, or a magnitude (it read "has 155" as an
        # unknown version of a model named "has", and abstained)
        ("which paper has 155 MDPs?", "155 deterministic MDPs", "Bridging RL Theory"),
        ("which paper mentions 10M tokens?", "10M tokens", "Gemini 1.5"),
        # a method named in apposition ("our … method, Empower, …") is introduced by its paper
        # (both abstained) …
        ("what baseline did Empower beat?", "over an SFT baseline", "Training LLM Agents"),
        # … and "the gain from X" is what X changed, by how much
        ("how big was the gain from Empower?", "by an average of 192%", "Training LLM Agents"),
    ],
)
def test_the_review_of_round_twelve(
    extractive_bot: QABot, question: str, said: str, title: str
) -> None:
    answer = extractive_bot.ask(question)
    assert said in answer.answer and answer.citations[0].title.startswith(title), answer.answer


def test_a_figure_no_paper_states(extractive_bot: QABot) -> None:
    """Round twelve's review: "which paper got a 40% improvement?" quoted B-Pref; no abstract
    states 40%, so the portfolio does not say (a figure one does state names its paper)."""
    assert extractive_bot.ask("which paper got a 40% improvement?").abstained
    answer = extractive_bot.ask("which paper found a 12.9% improvement?")
    assert answer.citations[0].title.startswith("Toward Grounded Commonsense"), answer.answer


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("which paper on reward hacking came out in 2024?", "Correlated Proxies"),
        ("what paper in 2023 introduced the effective horizon?", "Bridging RL Theory"),
    ],
)
def test_a_year_is_no_figure(extractive_bot: QABot, question: str, title: str) -> None:
    """A year in "which paper …?" is a filter, not a figure no paper states: the figure check
    left years out of the figures it looked for but not out of its trigger, and these
    abstained."""
    answer = extractive_bot.ask(question)
    assert not answer.abstained and answer.citations[0].title.startswith(title), answer.answer


@pytest.mark.parametrize(
    ("chain", "said", "title"),
    [
        # round twelve's review: "which is newer?" without "one" picks from the list (it
        # answered from the older)
        (["what have they done on successor features?", "which is newer?"],
         "Temporal Representation Alignment", "Temporal Representation Alignment"),
        # "what's the key idea?" after a list: of those papers (it answered from Dynalang) …
        (["any work on goal-directed dialogue?", "what's the key idea?"],
         "Our key insight is", "Zero-Shot Goal-Directed Dialogue"),
        # … and "which one came out first?" after that: of the list, not of the one paper
        (["any work on goal-directed dialogue?", "what's the key idea?",
          "which one came out first?"], "among the 2 papers", "Zero-Shot Goal-Directed Dialogue"),
        # "on which benchmark?": of the last paper (it answered from the FACTS leaderboard)
        (["which paper found a 12.9% improvement?", "on which benchmark?"],
         "MessySurfaces benchmark", "Toward Grounded Commonsense"),
        # "is there code for the X paper?": that paper's link (a filter on papers with code
        # left it out, and the Overcooked link answered)
        (["is there code for the goal representations paper?"], "rail-berkeley.github.io/grif",
         "Goal Representations for Instruction Following"),
        (["tell me about the effective horizon paper", "did they release code?"],
         "github.com/cassidylaidlaw/effective-horizon", "Bridging RL Theory"),
    ],
)  # fmt: skip
def test_follow_ups_of_round_twelves_review(
    extractive_bot: QABot, chain: list[str], said: str, title: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer and answer.citations[0].title.startswith(title), answer.answer


@pytest.mark.parametrize(
    ("chain", "title"),
    [
        # dev15: "anything newer on recommenders?" is another, later paper (it answered from
        # the same one)
        (["Tell me about Estimating and Penalizing Induced Preference Shifts in Recommender Systems",
          "anything newer on recommenders?"], "CTRL-Rec"),
        # "any later work using that game?": the game the last answer named, Overcooked (it
        # searched for "that game" and found nothing)
        (["What's the Overcooked paper?", "any later work using that game?"],
         "Learning to Assist Humans without Inferring Rewards"),
        # "the one set in Minecraft" picks from the list (it answered from the first)
        (["What has the group done on AI assistants that help people reach their goals?",
          "the one set in Minecraft, what's it called?"], "AssistanceZero"),
        # "who worked on the <a title's words>?" asks for its authors (it quoted the paper)
        (["Who worked on the generalized acquisition function for preference-based reward learning?"],
         "A Generalized Acquisition Function"),
    ],
)  # fmt: skip
def test_follow_ups_of_dev15(extractive_bot: QABot, chain: list[str], title: str) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert answer.citations[0].title.startswith(title), answer.answer


def test_papers_critical_of_a_topic(extractive_bot: QABot) -> None:
    """dev15: "any other papers critical of RLHF?" led with "Coprocessor Actor Critic"
    ("critical" is one stem with "Critic"); how they view it is no topic word."""
    *_, answer = _chain(
        extractive_bot,
        ["What are the open problems of RLHF?", "any other papers critical of RLHF?"],
    )
    titles = [c.title for c in answer.citations]
    assert not any("Actor Critic" in t for t in titles), titles
    assert any(t.startswith("Learning Optimal Advantage") for t in titles), titles


def test_a_study_of_one_paper_is_no_overview(extractive_bot: QABot) -> None:
    """dev15: "did the human study show anything?" read "the human" as who studies (an
    overview); "did the group study reward hacking?" still is one."""
    *_, answer = _chain(
        extractive_bot, ["Tell me about AssistanceZero", "did the human study show anything?"]
    )
    assert answer.shape != "survey", answer.answer
    assert extractive_bot.ask("did the group study reward hacking?").shape == "survey"


def test_what_a_report_says_about_something(extractive_bot: QABot) -> None:
    """dev15: "What did the Gemini 2.5 report say about video?" quoted "In this report, we
    introduce …" ("report" counted as a word asked, like "paper" does not)."""
    answer = extractive_bot.ask("What did the Gemini 2.5 report say about video?")
    assert "3 hours of video content" in answer.answer, answer.answer


def test_a_participle_and_its_asking_word(extractive_bot: QABot) -> None:
    """dev15: "tested on what tasks?" after one paper answered from another paper."""
    *_, answer = _chain(
        extractive_bot,
        ["How does Planning without Search work?", "tested on what tasks?"],
    )
    assert answer.citations[0].title.startswith("Planning without Search"), answer.answer


def test_explain_how_a_method_works(extractive_bot: QABot) -> None:
    """dev15: "Explain how AssistanceZero works." defined "how AssistanceZero works" and
    quoted a result; the method is the term."""
    answer = extractive_bot.ask("Explain how AssistanceZero works.")
    assert "extends AlphaZero with a neural network" in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # round twelve's second review: three words of a title are enough (it described the
        # method) …
        ("who worked on the boltzmann policy distribution?", "Cassidy Laidlaw, Anca Dragan"),
        # … and what a named report says about something is anywhere in its abstract (it
        # quoted the 10M-token sentence)
        ("what did the Gemini 1.5 report say about time savings?", "26 to 75% time savings"),
    ],
)
def test_the_second_review_of_round_twelve(extractive_bot: QABot, question: str, said: str) -> None:
    answer = extractive_bot.ask(question)
    assert said in answer.answer, answer.answer


def test_what_it_was_compared_with_after_its_title(extractive_bot: QABot) -> None:
    """dev11: "which deep RL algorithms did they compare it with?" quoted the method: the
    follow-up's title stood between "compare" and "with", so no comparison was read."""
    *_, answer = _chain(
        extractive_bot,
        [
            "What is the effective horizon work about?",
            "what algorithm do they propose for stochastic environments?",
            "which deep RL algorithms did they compare it with?",
        ],
    )
    assert "PPO and DQN" in answer.answer, answer.answer


@pytest.mark.parametrize(
    "question",
    ["what big-picture safety papers are there?", "How do they tackle AGI safety at a high level?"],
)
def test_how_broad_is_no_subject(extractive_bot: QABot, question: str) -> None:
    """dev6, dev8: "big-picture" (no abstract says it) read as the subject the portfolio lacks
    and abstained; "at a high level" searched for "high level"."""
    answer = extractive_bot.ask(question)
    titles = [c.title for c in answer.citations]
    assert any(t.startswith("Managing extreme AI risks") for t in titles), answer.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # dev15 abstained (one author filter, the other name searched as a topic); "papers by
        # Micah Carroll and Stuart Russell" said no paper by Stuart Russell is about "Micah
        # Carroll"
        ("Which paper has Yoshua Bengio and Geoffrey Hinton as authors?",
         "listing Yoshua Bengio and Geoffrey Hinton as authors (1 of 50)"),
        ("papers by Micah Carroll and Stuart Russell",
         "listing Micah Carroll and Stuart Russell as authors (1 of 50)"),
        ("how many papers did Laidlaw and Russell write together?", ": 2 of 50"),
        ("papers by Micah Carroll and Geoffrey Hinton",
         "no indexed papers listing Micah Carroll and Geoffrey Hinton as authors"),
    ],
)  # fmt: skip
def test_papers_two_people_wrote_together(extractive_bot: QABot, question: str, said: str) -> None:
    answer = extractive_bot.ask(question)
    assert said in answer.answer, answer.answer


# -- round thirteen: classes found on a fifteenth blind set (dev16) ------------------------


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # a paper's day, where its metadata gives one (it said "dates from 2024")
        ("When was the Gemma Scope paper released?", "is dated Aug 9, 2024 [1]"),
        # "here" is this portfolio, no subject ("no paper by Micah Carroll is about …")
        ("What has Micah Carroll written here?", "listing Micah Carroll as an author (8 of 50)"),
        # a title's capitalised words before "paper" are no author ("papers by Instruction
        # Following") …
        ("What's the main idea of the Goal Representations for Instruction Following paper?",
         "“Goal Representations for Instruction Following"),
        # … nor is "Security paper" the arXiv category (it abstained: no CR paper)
        ("What are the four risk areas in the Approach to Technical AGI Safety and Security "
         "paper?", "misuse, misalignment, mistakes, and structural risks"),
    ],
)  # fmt: skip
def test_the_sixteenth_blind_set_self_contained(
    extractive_bot: QABot, question: str, said: str
) -> None:
    answer = extractive_bot.ask(question)
    assert said in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("chain", "said"),
    [
        # "a later version" is later work on it (it quoted FlexiBiT again) …
        (["Which paper introduced FlexiBiT?", "is there a later version of that?",
          "did they publish code for that one?"],
         "“UniMASK: Unified Inference in Sequential Decision Problems” (Nov 20, 2022) links its "
         "code: https://github.com/micahcarroll/uniMASK [1]."),
        # … "how did they test it with people?" its study with them (it quoted the motivation)
        (["What is AssistanceZero?", "how did they test it with people?"],
         "In a human study, our AssistanceZero-trained assistant"),
        # … "other models" are no side of a comparison (it headed "Other models" with two
        # unrelated papers)
        (["What is Imagen 3?", "how does it compare to other models?"],
         "Imagen 3 is preferred over other state-of-the-art (SOTA) models"),
        # … and a pick from a list that no listed paper mentions is searched for beyond it,
        # saying so (it quoted the list's first paper)
        (["Which papers are about instruction following?", "which one uses a flight booking task?"],
         "Neither of the 2 papers just listed mentions that.\n\n“Inferring Rewards from Language"),
    ],
)  # fmt: skip
def test_the_sixteenth_blind_set_follow_ups(
    extractive_bot: QABot, chain: list[str], said: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer, answer.answer


def test_a_pick_from_a_list_that_a_listed_paper_makes_stays_in_the_list(
    extractive_bot: QABot,
) -> None:
    """dev12's "which of those involves robots?" after the 2025 papers: one listed paper has
    half the words ("robot"), so the pick stays in the list."""
    *_, answer = _chain(
        extractive_bot, ["What did the group publish in 2025?", "which of those involves robots?"]
    )
    assert "just listed" not in answer.answer, answer.answer
    assert answer.citations[0].title.startswith("Temporal Representation Alignment"), answer.answer


@pytest.mark.parametrize(
    ("chain", "said"),
    [
        # "what kind of paper is it?": the sentence that says (it quoted the opening)
        (["Who are the first authors on 'Managing extreme AI risks amid rapid progress'?",
          "what kind of paper is it?"], "In this short consensus paper, we describe"),
        # "the videos" are the last paper's, and its text says where its code is, though its
        # metadata links none ("No indexed paper matches these filters")
        (["What's the main idea of the Goal Representations for Instruction Following paper?",
          "where are the videos and code?"], "https://rail-berkeley.github.io/grif/ [1]."),
        # the tasks a paper is tested on, described in words (it said the abstract does not say)
        (["What is Temporal Representation Alignment?", "what tasks was it evaluated on?"],
         "We evaluate our approach across diverse robotic manipulation tasks"),
    ],
)  # fmt: skip
def test_the_sixteenth_blind_set_what_a_paper_says_of_itself(
    extractive_bot: QABot, chain: list[str], said: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # what the described paper is on, said after "paper" ("Offline RL with Observation
        # Histories" matched "the offline RL paper" alone) …
        ("What kind of data does the offline RL paper on influencing human behavior learn from?",
         "Learning to Influence Human Behavior with Offline Reinforcement Learning"),
        # … and models a paper is evaluated on are its setting, not its subject (it answered
        # from Gemini 2.5)
        ("Which paper evaluated dangerous capabilities on Gemini models?",
         "Evaluating Frontier Models for Dangerous Capabilities"),
    ],
)  # fmt: skip
def test_the_sixteenth_blind_set_the_paper_described(
    extractive_bot: QABot, question: str, title: str
) -> None:
    answer = extractive_bot.ask(question)
    assert _titles(answer)[0] == title, answer.answer


def test_a_detail_of_a_model_no_paper_is_about_is_not_answered(extractive_bot: QABot) -> None:
    """dev16: "How many parameters does GPT-4 Turbo have?" said Gemini 1.5's abstract does not
    give them: GPT-4 Turbo is only named there, as a comparison."""
    assert extractive_bot.ask("How many parameters does GPT-4 Turbo have?").abstained
    # … while a model a paper is about keeps its honest "does not give"
    answer = extractive_bot.ask("What learning rate was used to train Gemma 2?")
    assert not answer.abstained and answer.unstated is not None, answer.answer


# -- round thirteen: classes found on a sixteenth blind set (dev17) ------------------------


@pytest.mark.parametrize(
    ("chain", "said"),
    [
        # "the two" of a two-paper list, compared side by side (it defined another paper)
        (["What has the group done on the effective horizon?",
          "what's the difference between the two?"],
         "**Bridging RL Theory and Practice with the Effective Horizon**"),
        (["What has the group done on the effective horizon?", "how do they differ?"],
         "**The Effective Horizon Explains Deep RL Performance in Stochastic Environments**"),
        # "the 2025 one" when two are from 2025: the one what is asked fits ("No indexed paper
        # matches these filters (papers from 2025, of the previous answer)")
        (["How have they approached building dialogue agents with RL?",
          "the 2025 one - what does it use instead of search?"],
         "goal-conditioned value functions"),
        # "how is that different from X?": "that" is the last paper ("The portfolio has no
        # paper about that")
        (["What's the optimal behavior prior paper about?", "who wrote it?",
          "how is that different from the Boltzmann policy distribution approach?"],
         "**Optimal Behavior Prior: Data-Efficient Human Models"),
        # "lead" is no subject ("no paper by Cassidy Laidlaw is about lead")
        (["Who are the authors of the Boltzmann policy distribution paper?",
          "what other papers did Cassidy Laidlaw lead?", "which of those is about Minecraft?"],
         "“AssistanceZero: Scalably Solving Assistance Games” (2025): We present"),
        # "instruction following" keeps its "following" (it searched for "instruction")
        (["Who wrote the GRIF paper?",
          "anything newer from the same first author on instruction following?"],
         "“Temporal Representation Alignment"),
        # "preferred over other models" is what it was compared against
        (["What is Imagen 3?", "what did they compare it against?"],
         "Imagen 3 is preferred over other state-of-the-art (SOTA) models"),
        # an example of what it uncovered: the result with its examples, whole (the sentence
        # was cut at "(e.g.")
        (["What is ARCA?", "give me an example of what it uncovered"],
         "Our approach automatically uncovers derogatory completions about celebrities (e.g. "),
    ],
)  # fmt: skip
def test_the_seventeenth_blind_set_follow_ups(
    extractive_bot: QABot, chain: list[str], said: str
) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer, answer.answer


def test_a_survey_entry_is_no_link_that_spells_the_topic(extractive_bot: QABot) -> None:
    """dev17: both effective-horizon papers were summed up by "Our code and data are available
    at https://github.com/cassidylaidlaw/effective-horizon": the link's words matched."""
    answer = extractive_bot.ask("What has the group done on the effective horizon?")
    assert "github.com" not in answer.answer and len(answer.citations) == 2, answer.answer


def test_whats_wrong_with_x_is_no_quantity() -> None:
    from qabot.answering.shapes.detail import asked

    assert asked("what's wrong with information gain according to them?") is None
    assert asked("how big was the gain from Empower?") is not None


@pytest.mark.parametrize(
    "question",
    [
        # a version no paper has, on one side of a comparison (Gemma Scope stood for "Gemma 3")
        "How does Gemma 3 compare with Llama 3?",
        # facts of the world or the market, not of a paper ("the abstract of AssistanceZero does
        # not say how many people play Minecraft worldwide")
        "How many people play Minecraft worldwide?",
        "How much does a Gemini Advanced subscription cost?",
        "How many copies has the Overcooked video game sold?",
    ],
)
def test_the_seventeenth_blind_set_out_of_scope(extractive_bot: QABot, question: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.abstained, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        # dev16, dev17: "how old" is the participants' age, not when the paper came out (it
        # answered "… is dated Oct 15, 2025")
        "How old were the participants in the Empower user study?",
        "How old were the participants in the teleoperation user study of the human learning "
        "dynamics paper?",
    ],
)
def test_how_old_the_participants_were_is_not_given(extractive_bot: QABot, question: str) -> None:
    answer = extractive_bot.ask(question)
    assert answer.unstated == "how old the participants were", answer.answer
    assert "is dated" not in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("chain", "said"),
    [
        # the review of round thirteen: "how many is that?" counts the list (it said "1 of 1")
        (["Show me papers by Joey Hong and Sergey Levine", "how many is that?"],
         "That is 5 papers:\n- “"),
        # … "the two — which came first?" picks from the pair (it searched for "two")
        (["papers by Micah Carroll and Jessy Lin", "the two — which came first?"],
         "is “Towards Flexible Inference in Sequential Decision Problems via Bidirectional"),
        # … "the ones about X" are the list's (it dropped the 2023 filter)
        (["How many papers does she have from 2023?", "list the ones about RLHF"],
         "“Open Problems and Fundamental Limitations of Reinforcement Learning from Human"),
        # … "the two" are the papers of the last two answers when the last listed one
        (["What's her paper on assistance games?",
          "is there another one on assisting humans without inferring rewards?",
          "how do the two differ?"], "**Learning to Assist Humans without Inferring Rewards**"),
        # … "an earlier version" is before it (it abstained)
        (["What is UniMASK?", "was there an earlier version?"],
         "“Towards Flexible Inference in Sequential Decision Problems via Bidirectional"),
        # … "is there a follow-up?" may be the list's other paper (it answered another topic)
        (["what has she done on the effective horizon?", "is there a follow-up?"],
         "“The Effective Horizon Explains Deep RL Performance in Stochastic Environments”"),
        # … "tasks" are the domains a paper applies itself to (it said the abstract does not say)
        (["tell me about Interactive Dialogue Agents via RL on Hindsight Regenerations",
          "what tasks was it evaluated on?"], "mental health support"),
        # … "its exact date" is its date (it described the paper)
        (["What is CTRL-Rec?", "what's its exact date?"], "is dated Oct 14, 2025 [1]."),
    ],
)  # fmt: skip
def test_the_review_of_round_thirteen(extractive_bot: QABot, chain: list[str], said: str) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer, answer.answer


def test_a_named_papers_code_is_said_of_it(extractive_bot: QABot) -> None:
    """The review: "Does the Dynalang paper have code available?" abstained (the router's
    has-code filter left Dynalang out); it is a detail of that paper."""
    answer = extractive_bot.ask("Does the Dynalang paper have code available?")
    assert answer.unstated is not None and "Learning to Model the World" in answer.answer


def test_a_paper_with_code_keeps_the_code_filter(extractive_bot: QABot) -> None:
    """Code that picks the papers ("is there a paper with code on human models?") stays a
    filter, though a question about one paper's code is asked of its text."""
    answer = extractive_bot.ask("is there a paper with code on human models?")
    with_code = {p.paper_id for p in extractive_bot.snapshot.papers if p.has_code}
    cited = {c.paper_id for c in answer.citations}
    assert cited and cited <= with_code, answer.answer


@pytest.mark.parametrize(
    ("chain", "said"),
    [
        # the review: "give me a concrete example" is of the paper the last answer was about
        # (it answered from the human-learning paper) …
        (["What did the 'Adversaries Can Misuse Combinations of Safe Models' paper show?",
          "give me a concrete example"],
         "adversaries can create vulnerable code, explicit images, python scripts for hacking"),
        # … and "show me an example" quotes its result with examples, not the problem's example
        (["What is ARCA?", "show me an example"],
         "Our approach automatically uncovers derogatory completions about celebrities"),
    ],
)  # fmt: skip
def test_an_example_of_the_last_paper(extractive_bot: QABot, chain: list[str], said: str) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("chain", "said"),
    [
        # dev18: "and the other one?" asks the last question's ask ending in its pick ("who's
        # the first author of the older one?") of the list's other paper (it described it)
        (["Which papers use Overcooked?", "who's the first author of the older one?",
          "and the other one?"], "is by Vivek Myers"),
        # … "what else has X written?" lists X's papers ("else" was searched for as a topic)
        (["what else has Erik Jones written?"],
         "“Automatically Auditing Large Language Models via Discrete Optimization”"),
        # … "same topic but newer?" is later work on the last paper's topic (it abstained)
        (["papers from 2022", "which of them uses Mujoco?", "same topic but newer?"],
         "“A Generalized Acquisition Function for Preference-based Reward Learning” (2024)"),
        # … "the model", "prior approaches" are the last paper's (answered from Gemini 2.5)
        (["Which paper is about the flight-booking task?", "what does the model reason about?"],
         "reasoning about how speakers choose utterances"),
        (["Show me her papers on temporal distances", "what property do prior approaches lack?"],
         "these prior approaches do not satisfy the triangle inequality"),
        # … "which one <verb>s …" picks from the list (it abstained)
        (["Which papers list Sergey Levine as an author?",
          "which one casts Q-learning as supervised fine-tuning?"],
         "casting Q-learning as a modified supervised fine-tuning (SFT) problem"),
        # … "what changed vs the previous version?" is what the paper changed (it compared
        # two empty sides)
        (["Tell me about Gemma 2", "what changed architecturally vs the previous version?"],
         "interleaving local-global attentions"),
        # … "what's X got to do with it?" quotes the paper's sentence on X
        (["What are the Gemini papers in the portfolio?", "which one handles 10M tokens?",
          "what's Kalamang got to do with it?"], "a language with fewer than 200 speakers"),
        # … "what's the main result?" quotes the sentences that list what it announces ("…
        # two challenges with effective influence." "First, we show …")
        (["Which paper uses offline RL to influence human behavior?", "what's the main result?"],
         "steer humans towards better performance even on new tasks"),
        # … "what did they find?" quotes the sentence that turns the first finding ("However,
        # … the reward inference error can be bounded linearly …"): asked in four sets
        (["List Joey Hong's papers", "the 2022 one - what did they find?"],
         "reward inference error can be bounded linearly in the error in the human model"),
        # … "the one about X" that no listed paper has half the words of is the portfolio's
        # paper on X, said to be beyond the list (it answered about the last paper)
        (["What has she written on frontier AI risk and safety?",
          "and the one about red-teaming beyond single models, what decompositions did they study?"],
         "papers just listed:\n\n“Adversaries Can Misuse Combinations of Safe Models” (2024): We study "
         "two decomposition methods"),
        # … "was it peer reviewed?" is where it was published, which no abstract says
        (["Explain context steering", "was it peer reviewed / where was it published?"],
         "does not say where it is published [1]."),
    ],
)  # fmt: skip
def test_the_follow_ups_of_dev18(extractive_bot: QABot, chain: list[str], said: str) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer, answer.answer


def test_it_against_the_first_one_of_a_list_compares_two_papers(extractive_bot: QABot) -> None:
    """dev18: "how is it different from the first one?" after a list and one of its papers
    compared that paper with itself (both sides headed CTRL-Rec)."""
    *_, answer = _chain(extractive_bot, ["her recommender system papers?",
                                         "what dataset did the newer one use?",
                                         "how is it different from the first one?"])  # fmt: skip
    assert answer.shape == "compare"
    assert {c.title.split(":")[0] for c in answer.citations} == {
        "CTRL-Rec", "Estimating and Penalizing Induced Preference Shifts in Recommender Systems"
    }, answer.answer  # fmt: skip


def test_where_a_paper_was_published_is_its_venue(
    tmp_path: Path, embeddings: Embeddings, write_jsonl: Callable[..., Path]
) -> None:
    """A paper file's venue answers "where was it published?" (the metadata says it, no
    abstract does); without one, the answer says the abstract does not."""
    write_jsonl([paper_record(1, venue="Journal of Violins"), paper_record(2)])
    settings = make_settings(tmp_path / "store", corpus=tmp_path / "corpus", llm="extractive")
    ingest(settings, embeddings)
    bot = QABot(settings, embeddings=embeddings)
    answer = bot.ask("Where was “A study of violins number 1” published?")
    assert (
        answer.answer == "“A study of violins number 1” (2021) appeared in Journal of Violins [1]."
    )
    assert answer.unstated is None
    other = bot.ask("Was “A study of volcanoes number 2” peer reviewed?")
    assert other.unstated is not None and "does not say where it is published" in other.answer


@pytest.mark.parametrize(
    ("chain", "said"),
    [
        # dev19: "which came out last?" after a list is its latest (it searched the words)
        (["Any papers from 2025?", "which came out last?"],
         "The latest indexed paper among the 9 papers just discussed is “The FACTS Leaderboard"),
        # … "oldest first" orders the list by date, to the day within a year, and "the
        # second one" is the second as shown; "and the third?" leaves the noun out
        (["List her papers on assistive agents, oldest first.", "tell me about the second one"],
         "“AssistanceZero: Scalably Solving Assistance Games” (2025)"),
        (["List her papers on assistive agents, oldest first.", "tell me about the second one",
          "and the third?"], "“Training LLM Agents to Empower Humans” (2025)"),
        # … "go on" is more of the last paper (it abstained)
        (["Which paper introduced SQIRL?", "go on"],
         "Any regression algorithm that satisfies basic in-distribution generalization"),
        # … "the one that's not about Overcooked" is the other one (it picked Overcooked's)
        (["anything from 2019?", "the one that's not about Overcooked — what's the key insight?"],
         "the state of the environment is already optimized for what humans want"),
        # … "which of those aren't about X?" lists those without X's words
        (["What has the group done on offline RL?", "which of those aren't about language models?"],
         "“Offline RL with Observation Histories: Analyzing and Improving Sample Complexity”"),
        # … "how many authors?" of a paper is who wrote it (it counted papers)
        (["What year did the Boltzmann policy distribution paper come out?", "how many authors?"],
         "is by Cassidy Laidlaw, Anca Dragan [1]."),
        # … "is that the same group as X?" gives both papers' authors and whom they share
        (["What year did the Boltzmann policy distribution paper come out?",
          "is that the same group as the BRIDGE / effective horizon paper?"],
         "Both list Cassidy Laidlaw and Anca Dragan as authors [1][2]."),
        # … "which one has a website with videos" picks from the list (it abstained)
        (["papers with vivek myers as first author?", "which one has a website with videos"],
         "https://rail-berkeley.github.io/grif/"),
        # … "what's novel about it?" quotes what sets it apart
        (["What is GRIF?", "what's novel about it?"],
         "aligns language not to the goal image, but rather to the desired change"),
        # … "any limitations mentioned?" is of the last paper (it abstained)
        (["Which paper defines deceptive inflation and overjustification?",
          "any limitations mentioned?"], "there is irreducible ambiguity"),
        # … "what kinds of harmful outputs did they get?" quotes the examples
        (["What's the paper about adversaries combining safe models?",
          "what kinds of harmful outputs did they get?"], "python scripts for hacking"),
        # … "papers with X as first author" are the papers X led (asked in dev16 to dev19), and
        # "just the ones he led" after a list of his are those of it (it abstained)
        (["papers with vivek myers as first author?"],
         "Indexed papers listing Vivek Myers as first author (4 of 50)."),
        (["What has Micah Carroll worked on in this profile?", "just the ones he led"],
         "Of the 8 papers just listed, 5 list Micah Carroll first:"),
        # … "what's the difference between the two?" quotes what each paper introduces (a
        # finding its title's words picked said little of what it is)
        (["What work has been done on the effective horizon?", "what's the difference between the two?"],
         "We introduce a new RL algorithm, SQIRL"),
        # … "how is it different from the first one?" with no list: the first paper discussed
        (["What is the FlexiBiT framework?", "anything newer on that?",
          "how is it different from the first one?"],
         "**Towards Flexible Inference in Sequential Decision Problems via Bidirectional"),
    ],
)  # fmt: skip
def test_the_follow_ups_of_dev19(extractive_bot: QABot, chain: list[str], said: str) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # "how many authors are there?" counts people, not papers (it said "50 papers are
        # indexed")
        ("how many authors are there in the portfolio?",
         "The 50 indexed papers list 89 different co-authors besides the portfolio's owner"),
        ("how many co-authors does Anca Dragan have?", "89 different listed co-authors."),
    ],
)  # fmt: skip
def test_how_many_people_the_papers_list(extractive_bot: QABot, question: str, said: str) -> None:
    answer = extractive_bot.ask(question)
    assert said in answer.answer and "papers are indexed" not in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("chain", "said"),
    [
        # the review of round fourteen: first authors asked other ways ("listed first" and
        # "first-author papers" were read as the earliest paper) …
        (["papers where Cassidy Laidlaw is listed first"],
         "Indexed papers listing Cassidy Laidlaw as first author (5 of 50)."),
        (["Joey Hong's first-author papers"],
         "Indexed papers listing Joey Hong as first author (7 of 50)."),
        # … the owner, on every paper, leads none of the listed ones (it listed all 50)
        (["which papers did Anca Dragan lead?"],
         "there are no indexed papers listing Anca Dragan as first author."),
        # … a title's words before "paper" are no author ("papers by Observation Histories")
        (["What did the Offline RL with Observation Histories paper find?"],
         "“Offline RL with Observation Histories: Analyzing and Improving Sample Complexity”"),
        # … "compare the first and the second" of a list (no paper about "first")
        (["What Gemma papers are in here?", "compare the first and the second"],
         "**Gemma Scope: Open Sparse Autoencoders Everywhere All At Once on Gemma 2**"),
        # … "and the most recent?" after the list's earliest is the list's latest
        (["Which papers was Joey Hong the lead author on?", "which of those came out earliest?",
          "and the most recent?"], "among the 7 papers just discussed is “Planning without Search"),
        # … "the same group as the Gemma 2 paper" names Gemma 2 by its title's name
        (["Who wrote Imagen 3?", "is that the same group as the Gemma 2 paper?"],
         "“Gemma 2: Improving Open Language Models at a Practical Size” (2024) is by Gemma Team"),
        # … "which of those aren't benchmarks?" leaves the benchmark out (it listed it first)
        (["papers on learning rewards from preferences", "which of those aren't benchmarks?"],
         "do not mention “benchmarks”:"),
        # … "what does language have to do with X?" is no detail ("does not say which does
        # language")
        (["Tell me about Dynalang", "what does language have to do with world models here?"],
         "agents need to understand the range of language that people use"),
    ],
)  # fmt: skip
def test_the_review_of_round_fourteen(extractive_bot: QABot, chain: list[str], said: str) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer, answer.answer


def test_a_pick_by_what_no_listed_paper_lacks_says_none(extractive_bot: QABot) -> None:
    """The review: "which of those don't use language?" after papers on language-conditioned
    robots answered with Dynalang; every listed paper mentions it."""
    from qabot.errors import QuestionError

    history: list[dict[str, object]] = []
    first = extractive_bot.ask("papers on language-conditioned robots")
    history += [
        {"role": "user", "content": "papers on language-conditioned robots"},
        first.as_turn(),
    ]
    with pytest.raises(QuestionError, match=r"^None: .*papers just listed mention “language”"):
        extractive_bot.ask("which of those don't use language?", history=history)


@pytest.mark.parametrize(
    ("chain", "said"),
    [
        # dev20: a question of the one paper a follow-up names is asked of that paper ("does it
        # work on …" read as "does she work on …": "1 paper in the portfolio matches")
        (["What is GRIF?", "does it work on real robots?"],
         "Our method achieves robust performance in the real world"),
        (["What has the group published on empowerment?",
          "going back to the older one — what game did it scale to?"],
         "scales to Overcooked, a cooperative game setting"),
        # … "that last one you mentioned" is the paper the last answer gave (it counted in the
        # list before that answer)
        (["What has the group published on offline RL?", "tell me about the second one",
          "that last one you mentioned - who wrote it?"],
         "“Learning to Influence Human Behavior with Offline Reinforcement Learning” (2023) is by"),
        # … "which new institutions do they say should be created?" is asked of the text (it
        # ranked the paper's affiliations)
        (["did she co-author anything with Geoffrey Hinton?",
          "which specific new institutions do they say should be created?"],
         "lack the mechanisms and institutions"),
        # dev20: "the 2nd — what's its core assumption?": an ordinal before a dash (it was "its",
        # the last answer's first paper), and "does that help …?" is of the paper it gave
        (["Compare the Boltzmann policy distribution paper and the optimal behavior prior paper for me.",
          "the 2nd — what's its core assumption?"],
         "people generally act closer to optimal than to random chance"),
        (["Compare the Boltzmann policy distribution paper and the optimal behavior prior paper for me.",
          "the 2nd — what's its core assumption?", "does that help actual collaboration?"],
         "better human-AI collaboration performance"),
        # … who asks is no side of a comparison (headed "Optimal behavior prior paper for me")
        (["Compare the Boltzmann policy distribution paper and the optimal behavior prior paper for me."],
         "**Optimal behavior prior paper**\n"),
        # … "work built on top of it" is the paper that builds on it
        (["What architecture changes went into Gemma 2?", "is there interpretability work built on top of it?"],
         "“Gemma Scope: Open Sparse Autoencoders Everywhere All At Once on Gemma 2”"),
        # … "remind me of the title" (it abstained)
        (["What is GRIF?", "remind me of the title"],
         "It is “Goal Representations for Instruction Following: A Semi-Supervised Language "
         "Interface to Control” (2023) [1]."),
        # … "summarize the one that isn't about X in one line": how to say it is no description,
        # and one line is the paper's gist (its key insight, though it opens "This motivates")
        (["any papers from 2019?", "summarize the one that isn't about Overcooked in one line"],
         "the state of the environment is already optimized for what humans want [1]."),
        # … "the Q-learning one": a word as one listed paper writes it ("learn" as tokenized)
        (["Which papers came out in 2024?", "the Q-learning one — summarize it in one line"],
         "“Q-SFT: Q-Learning for Language Models via Supervised Fine-Tuning” (2024)"),
        # … "which one is about saving human labeling time?" picks (it asked for a saving's size)
        (["How has the group approached learning rewards from pairwise comparisons?",
          "which one is about saving human labeling time?"], "by batching comparisons together"),
        # … "which one should I read first if I care about X?" picks from the list (it abstained)
        (["list the papers with Cassidy Laidlaw as an author",
          "which one should I read first if I care about reward hacking?"],
         "“Correlated Proxies: A New Definition and Improved Mitigation for Reward Hacking”"),
        # … "any overlap in authors between those two?" with the other one named
        (["What's FlexiBiT?", "and UniMASK — any overlap in authors between those two?"],
         "Both list Micah Carroll, Jessy Lin and Orr Paradise as authors"),
        # … "did it beat the baselines?": "superior performance over …"
        (["Which work trains LLM agents for negotiation and persuasion without RL fine-tuning the big model?",
          "did it beat the baselines?"], "superior performance over both RL fine-tuning and prompting"),
    ],
)  # fmt: skip
def test_the_follow_ups_of_dev20(extractive_bot: QABot, chain: list[str], said: str) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        # how-approached phrasings answered from one paper, not as an overview (41 of 404 in
        # 19 blind sets): "they", "these researchers", "the labs take" with nothing said before
        "In what ways have these researchers investigated manipulation by AI models?",
        "how have they critiqued rlhf",
        "whats the labs take on RLHF and learning rewards from human preferences?",
        "What approach do they take when an AI partner needs a predictive model of the human?",
        "what techniques do they use to make agents assist ppl when the agent doesnt know the goal",
        "What lines of attack have they explored on AGI safety and misuse of frontier models?",
        "What is the approach to RL theory and sample complexity in this portfolio?",
    ],
)
def test_how_they_approached_a_topic_is_an_overview(extractive_bot: QABot, question: str) -> None:
    assert extractive_bot.ask(question).shape == "survey", question


def test_they_after_an_answer_are_its_papers_authors(extractive_bot: QABot) -> None:
    """… but after an answer, "they" are its paper's authors: asked of that paper."""
    *_, answer = _chain(
        extractive_bot, ["What did the B-Pref paper propose?", "how do they simulate the humans?"]
    )
    assert answer.shape != "survey" and _titles(answer)[0] == "B-Pref", answer.answer


@pytest.mark.parametrize(
    ("chain", "said"),
    [
        # dev20: "more like this?" lists other papers (condensed, it answered the same one)
        (["What did the B-Pref paper propose?", "more like this?"], "Also in the portfolio:"),
        # … a detail asked after a list is of the one listed paper with its words in a row
        # ("how do they scale up assistance games?" is an overview of two papers now)
        (["How have they scaled up assistance games?", "how many possible goals are there?"],
         "with over 10^400 possible goals"),
        # … "the newer one, how big was the user study?": the detail after the pick (it read
        # "“Training LLM Agents …”, how big …" from its start, and said the abstract did not)
        (["What has the group published on empowerment?", "the newer one, how big was the user study?"],
         "we conducted an 18-person user study"),
    ],
)  # fmt: skip
def test_after_a_list_of_dev20(extractive_bot: QABot, chain: list[str], said: str) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer, answer.answer
    assert "B-Pref" not in _titles(answer), answer.answer


def test_how_one_paper_did_it_is_not_an_overview(extractive_bot: QABot) -> None:
    """ "How do they define reward hacking?" asks how one paper did it: answered from it."""
    answer = extractive_bot.ask("How do they define reward hacking?")
    assert answer.shape != "survey" and _titles(answer)[0] == "Correlated Proxies", answer.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # dev20: what a paper is about includes what it defines (it quoted two other sentences)
        ("Whats the paper 'When Your AIs Deceive You' about?",
         "We formally define two failure cases: deceptive inflation and overjustification"),
        # … "tell me about the paper on X" is that paper, from its whole abstract (the passages
        # found left out the sentence naming ARCA)
        ("Tell me about the paper on automatically auditing LLMs",
         "we introduce a discrete optimization algorithm, ARCA"),
    ],
)  # fmt: skip
def test_what_a_paper_is_about_of_dev20(extractive_bot: QABot, question: str, said: str) -> None:
    answer = extractive_bot.ask(question)
    assert said.lower() in answer.answer.lower(), answer.answer


@pytest.mark.parametrize(
    ("chain", "said"),
    [
        # review of round fifteen: a detail after an overview is of the listed papers (searched
        # across the portfolio, "which models were tested?" answered from the FACTS leaderboard)
        (["what approach do they take to evaluating dangerous capabilities of AI?", "which models were tested?"],
         "pilot them on Gemini 1.0 models"),
        (["Is there work on inferring what people want from what they say?", "what task did they test on?"],
         "flight-booking task"),
        # … "if I mostly care about LLMs": what they care about, in the singular too (it said no
        # listed paper mentions it)
        (["How have these researchers approached building assistive agents?",
          "which one should I start with if I mostly care about LLMs?"],
         "“Training LLM Agents to Empower Humans” (2025)"),
        # … "are A and B basically the same work?" compares both (it answered about A), and
        # "which came out first?" is of the two
        (["Are UniMASK and FlexiBiT basically the same work?"], "**FlexiBiT**"),
        (["Are UniMASK and FlexiBiT basically the same work?", "which came out first?"],
         "among the 2 papers just discussed is “Towards Flexible Inference"),
        # … "any author overlap with X?" gives both author lists and whom they share
        (["what's the Optimal Behavior Prior paper about?", "any author overlap with the Boltzmann policy paper?"],
         "Both list Anca Dragan as author [1][2]."),
    ],
)  # fmt: skip
def test_the_review_of_round_fifteen(extractive_bot: QABot, chain: list[str], said: str) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer, answer.answer
    assert not answer.answer.startswith("None of"), answer.answer


@pytest.mark.parametrize(
    ("chain", "said"),
    [
        # Round sixteen: "how many is that?" after a list is its size ("Indexed papers among
        # the 5 papers just discussed: 5 of 5.")
        (["which papers are about offline reinforcement learning?", "how many is that?"],
         "That is 5 papers:\n- “Learning to Influence Human Behavior with Offline"),
        # … a count of some of them keeps its scope
        (["which papers are about offline reinforcement learning?",
          "how many of those came out in 2024?"],
         "among the 5 papers just discussed, from 2024: 2 of 5."),
        # dev21: "list them newest first" is the last list, reordered (it listed all 50)
        (["How many papers does she have from 2022?", "list them newest first"],
         "The 8 papers just discussed, newest first:\n"
         "- “On the Sensitivity of Reward Inference"),
        # … "in date order" is an order, not a topic (a survey of "order"); "how many was
        # that?" counts the list (it answered "That is 1 paper")
        (["papers from March 2024, in date order", "how many was that?"], "That is 4 papers:"),
        # … "which is newer, A or B?" names both (it answered about the last paper)
        (["Papers by Erik Jones?", "which is newer, the auditing one or the misuse one?"],
         "The newer of the two is “Adversaries Can Misuse Combinations of Safe Models”"),
        (["What are the four risk areas in the AGI safety and security approach paper?",
          "which is newer, that one or the CoT monitorability paper?"],
         "The newer of the two is “Chain of Thought Monitorability"),
        # … "is there a newer Gemini report in her list?" (it answered about Gemini 1.5)
        (["what's the Gemini 1.5 report about?", "is there a newer Gemini report in her list?"],
         "Yes: “Gemini 2.5: Pushing the Frontier"),
        # … "what value of X …?" asks a figure the abstract does not give (it quoted a
        # sentence on X)
        (["What value of the context scaling factor works best for Context Steering?"],
         "The abstract of “Context Steering: Controllable Personalization at Inference Time” "
         "(2024) does not give the value"),
        # … "from 2024 or later" is from 2024 on, and "Offline RL" no author
        (["Offline RL papers from 2024 or later?"],
         "“Planning without Search: Refining Frontier LLMs with Offline Goal-Conditioned RL” (2025)"),
        # … "go back to the first one you listed" is of the list before the last answer, and
        # the clause after it is what is asked (the first of the last answer's two, quoted)
        (["What has Joey Hong published here? oldest first", "how many of those are from 2024?",
          "go back to the first one you listed — what's its title again?"],
         "It is “On the Sensitivity of Reward Inference to Misspecified Human Models” (2022) [1]."),
        # … "the one with the 2% number" is the one listed abstract that states it
        (["any papers about AI deceiving the people who give it feedback?",
          "the one with the 2% number, what is the 2% about?"],
         "Even if only 2% of users are vulnerable to manipulative strategies"),
        # … how a thing a paper only mentions works: the portfolio does not say (it quoted the
        # mention as a definition); what it is: the mention, said to be one
        (["How does GPT-4 Turbo's architecture work?"],
         "The portfolio mentions GPT-4 Turbo only in passing, in “Gemini 1.5"),
        (["what is AlphaZero?"],
         "No paper here is about AlphaZero; one mentions it in passing. “AssistanceZero: Scalably "
         "Solving Assistance Games” (2025): Our approach, AssistanceZero, extends AlphaZero"),
        # The review of round sixteen: "now sort them newest first" reorders the list (it
        # answered about one of its papers); "put them in order, newest first"
        (["list everything she's done on assisting humans", "now sort them newest first"],
         "The 3 papers just discussed, newest first:\n- “Training LLM Agents to Empower Humans”"),
        (["list the papers on recommender systems", "put them in order, newest first"],
         "The 2 papers just discussed, newest first:\n- “CTRL-Rec"),
        # … "which is newer, A or B?" asked first names both (it described one)
        (["which is newer, Gemma Scope or Imagen 3?"],
         "The newer of the two is “Imagen 3”, from Aug 13, 2024"),
        (["Which came first: the Overcooked coordination paper or the recommender preference "
          "shift one?"], "The earlier of the two is “On the Utility of Learning about Humans"),
        # … two of one date are neither
        (["tell me about Q-SFT", "which is newer, that one or the hindsight regenerations paper?"],
         "Neither: “Q-SFT: Q-Learning for Language Models via Supervised Fine-Tuning” and "
         "“Interactive Dialogue Agents"),
        # … "her most recent paper on X" is the newest of the papers on X (it answered with
        # the best match, from 2024)
        (["what's her most recent paper on successor features?"],
         "the most recent is:\n\n- “Temporal Representation Alignment"),
        # … "what retrieval accuracy …?" is the percentage said of retrieval (it said the
        # abstract does not give it)
        (["What retrieval accuracy does Gemini 1.5 reach?"], "near-perfect retrieval (>99%)"),
        # … "is there a newer one?" after Gemini 1.5 is Gemini 2.5 (it repeated Gemini 1.5)
        (["tell me about the Gemini 1.5 report", "is there a newer one?"],
         "Yes: “Gemini 2.5: Pushing the Frontier"),
        # … a season is no topic: the year's papers, with their dates ("None in the indexed
        # portfolio: no paper from 2022 is about “spring”")
        (["what did she publish in spring 2022?"],
         "Indexed papers from 2022 (8 of 50).\n- “Inferring Rewards from Language in Context” "
         "(Apr 5, 2022) [1]"),
        # … "and the latest one?" after her earliest paper (it said "The latest indexed paper
        # among the paper just discussed is" the earliest)
        (["what's her earliest paper?", "and the latest one?"],
         "The latest indexed paper is “Can AI mediation improve democratic deliberation?”"),
    ],
)  # fmt: skip
def test_round_sixteen_chains(extractive_bot: QABot, chain: list[str], said: str) -> None:
    *_, answer = _chain(extractive_bot, chain)
    assert said in answer.answer, answer.answer


@pytest.mark.parametrize(
    "question",
    [
        # Round sixteen: "A or B" asks for either; the papers saying one of them are on the
        # subject (it abstained: no paper says "medicine", and MiniLM rates the health ones
        # below the gate)
        "Have they done anything in medicine or health?",
        "In what ways has the group worked on clinical or mental-health problems?",
    ],
)
def test_either_side_of_an_or_said_is_the_subject(extractive_bot: QABot, question: str) -> None:
    answer = extractive_bot.ask(question)
    assert not answer.abstained, answer.answer
    assert answer.citations[0].title.startswith("Interactive Dialogue Agents"), answer.answer


def test_any_of_those_after_a_pick_is_the_list_it_came_from(extractive_bot: QABot) -> None:
    """dev21: "is any of those about …?" after "the 3rd — …" read "those" as the one paper
    just given ("The paper just listed does not mention that")."""
    first, _, answer = _chain(extractive_bot, [
        "List the technical reports for Google's models newest first",
        "the 3rd — what sizes does it come in?", "is any of those about multimodal models?"])  # fmt: skip
    assert len(first.citations) > 2 and "newest first" in first.answer.splitlines()[0]
    assert "just listed" not in answer.answer
    assert answer.citations[0].paper_id in {c.paper_id for c in first.citations}
