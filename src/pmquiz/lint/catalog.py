"""What each lint rule checks, with a bad card it finds and a good card it passes: printed by
`pmquiz lint --explain`, so an author learns the rules from the tool, and run by the tests,
so every example stays true. Examples are deck text for a module titled EXAMPLE_TITLE with
the category sets of EXAMPLE_SETS."""

from __future__ import annotations

from dataclasses import dataclass

EXAMPLE_TITLE = "Introduction to Product Management"
EXAMPLE_SETS = ('pp = ["Product management", "Project management"]\n'
                'lc = ["Product life cycle", "Product development lifecycle"]')


@dataclass(frozen=True)
class Rule:
    """One rule: its name in findings, what it checks, and deck text it finds / passes."""

    name: str
    checks: str
    bad: str
    good: str


def _card(id_: str, kind: str, **keys: str | list[str] | bool | int) -> str:
    lines = [f'[[cards]]\nid = "{id_}"\nkind = "{kind}"']
    for key, value in keys.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, int):
            lines.append(f"{key} = {value}")
        elif isinstance(value, list):
            lines.append(f"{key} = [" + ", ".join(_quote(v) for v in value) + "]")
        else:
            lines.append(f"{key} = {_quote(value)}")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


WHY = "Product management decides what is worth building; delivery is someone else's job."
PM: dict[str, str] = {"kind": "classify", "categories": "pp"}

CATALOG = (
    Rule("same-question",
         "Two cards ask for the same thing (word for word after the lead-in, or a definition "
         "question about the same term in other words, by the bundled embedding) and expect "
         "different answers.",
         _card("a", "basic", prompt="What is maturity?", answer="The stage in which sales "
               "level off and peak.", explain="Most products on the market are in it.")
         + _card("b", "basic", prompt="The product life cycle: what does “Maturity” mean?",
                 answer="Sales growth slows and competition grows stronger.",
                 explain="It usually lasts longer than the stages before it."),
         _card("a", "basic", prompt="What is maturity?", answer="The stage in which sales "
               "level off and peak.", also=["Sales growth slows and competition grows."],
               explain="Most products on the market are in it.")),
    Rule("near-duplicate",
         "Two classify statements say nearly the same thing (shared meaning words), in one "
         "category set or across two.",
         _card("a", **PM, prompt="Owns the vision and strategy of the product.",
               answer="Product management", explain=WHY)
         + _card("b", **PM, prompt="Owns the product's vision and its strategy.",
                 answer="Product management", explain=WHY),
         _card("a", **PM, prompt="Owns the vision and strategy of what gets built.",
               answer="Product management", explain=WHY)
         + _card("b", **PM, prompt="Leads through influence rather than authority.",
                 answer="Product management", explain="Its teams do not report to it.")),
    Rule("guessable-option",
         "A choice card whose right option stands out: the only one sharing a word with the "
         "prompt, much longer than the others, or of another form (a sentence among names).",
         _card("c", "choice", prompt="Which principle keeps customers coming back?",
               answer="Build recurring value so customers keep coming back every week",
               options=["Drive virality", "Deliver value fast"],
               explain="Recurring value is what brings a customer back."),
         _card("c", "choice", prompt="Which principle keeps customers coming back?",
               answer="Build recurring value", options=["Drive virality", "Deliver value fast"],
               explain="A product that proves its worth again each week gives users a reason "
               "to return.")),
    Rule("which-statement",
         "A prompt of the form \"Which … is this: <statement>\" that is not a question.",
         _card("w", "choice", prompt="Which principle is this: help users reach the aha "
               "moment.", answer="Deliver value fast", options=["Drive virality"],
               explain="Fast value is felt in the first minutes of use."),
         _card("w", "choice", prompt="Which principle means: help users reach the aha moment "
               "within minutes?", answer="Deliver value fast", options=["Drive virality"],
               explain="Fast value is felt in the first minutes of use.")),
    Rule("short-statement",
         "A classify statement of one or two words: a term, not a statement to classify.",
         _card("s", "classify", categories="lc", prompt="Launch",
               answer="Product development lifecycle", explain="Launch releases the product."),
         _card("s", "classify", categories="lc", prompt="Releases the finished product to "
               "customers for the first time.", answer="Product development lifecycle",
               explain="Launch is a step of building; market stages start after it.")),
    Rule("answer-in-prompt",
         "The answer (or a list item) is written in the card's own prompt.",
         _card("p", "basic", prompt="Why does a product manager lead through influence?",
               answer="lead through influence", explain="Teams do not report to them."),
         _card("p", "basic", prompt="How does a product manager lead teams that do not "
               "report to them?", answer="Through influence",
               explain="They align people around shared goals instead of giving orders.")),
    Rule("item-names-subject",
         "A list item that is the list's own subject (\"Product development\" among the "
         "stages of product development).",
         _card("l", "list", prompt="Name the stages of the product development lifecycle.",
               items=["Idea generation", "Product development", "Launch"],
               explain="Each stage can send the team back to an earlier one."),
         _card("l", "list", prompt="Name the stages of the product development lifecycle.",
               items=["Idea generation", "Screening", "Launch"],
               explain="Each stage can send the team back to an earlier one.")),
    Rule("explain-restates",
         "An explanation that only restates the card, its answer or which list it belongs "
         "to: at most one of its words is new, words compared by stem and by meaning.",
         _card("e", "basic", prompt="Decline-stage options: what does “Harvest” mean?",
               answer="Cut spending and let profits run until they dry up.",
               explain="“Harvest” is one of the four typical decline-stage options."),
         _card("e", "basic", prompt="Decline-stage options: what does “Harvest” mean?",
               answer="Cut spending and let profits run until they dry up.",
               explain="A harvested product is still sold, unlike a discontinued one; the "
               "firm simply stops investing in it.")),
    Rule("no-explanation",
         "A card without an explanation: after a wrong answer the learner sees only the "
         "answer, never why.",
         _card("n", "basic", prompt="What is product development?",
               answer="The process of bringing a product to market."),
         _card("n", "basic", prompt="What is product development?",
               answer="The process of bringing a product to market.",
               explain="It is a job function that several roles share, not a job title.")),
    Rule("category-word",
         "A classify statement, or the right option of a \"belongs to X, not Y\" choice, that "
         "carries the word that tells its own category from the others.",
         _card("k", **PM, prompt="Measures success by delivering projects on time.",
               answer="Project management", explain="Delivery is judged by the plan."),
         _card("k", **PM, prompt="Measures success by delivering on time, within scope and "
               "on budget.", answer="Project management",
               explain="Delivery is judged against the plan, not by what customers do.")),
    Rule("order-unmarked",
         "A list whose prompt says \"in order\", \"steps\", \"sequence\" or \"moves through\" "
         "but whose deck entry does not have ordered = true.",
         _card("o", "list", prompt="Name the four stages of the product life cycle, in order.",
               items=["Introduction", "Growth", "Maturity", "Decline"],
               explain="Sales rise, peak, then fall."),
         _card("o", "list", prompt="Name the four stages of the product life cycle, in order.",
               items=["Introduction", "Growth", "Maturity", "Decline"], ordered=True,
               explain="Sales rise, peak, then fall.")),
    Rule("open-set",
         "A list that asks for some of a larger set (\"such as\", \"for example\", \"Name "
         "four strategies\" without \"the\") but requires every item it lists.",
         _card("x", "list", prompt="Name four extension strategies that put off decline.",
               items=["updating the product", "new uses", "repackaging", "price changes"],
               explain="They keep a mature product selling."),
         _card("x", "list", prompt="Name any two extension strategies that put off decline.",
               items=["updating the product", "new uses", "repackaging", "price changes"],
               pick=2, explain="They keep a mature product selling.")),
    Rule("count-only-set",
         "A list prompt that names its set only by a count and a placeholder noun (\"four "
         "things\"), so only the count tells it from another list.",
         _card("t", "list", prompt="Product management requires four things. Name them.",
               items=["analytical thinking", "user empathy", "business acumen",
                      "technical understanding"], explain="A PM works with every function."),
         _card("t", "list", prompt="Name the four skills a product manager must balance.",
               items=["analytical thinking", "user empathy", "business acumen",
                      "technical understanding"], explain="A PM works with every function.")),
    Rule("title-cloze",
         "A cloze whose gap is the module's title term, which the learner reads in the "
         "module's name.",
         _card("g", "cloze", prompt="{{Product management}} is the discipline of guiding a "
               "product through its whole lifecycle.", explain="From idea to withdrawal."),
         _card("g", "cloze", prompt="Product management is the discipline of guiding a "
               "product through its whole {{lifecycle}}.", explain="From idea to withdrawal.")),
    Rule("gaps-any-order",
         "A cloze with gaps joined by \"and\"/\"or\" (either order is right) graded in place, "
         "without any_order = true.",
         _card("y", "cloze", prompt="Product management defines the {{why}} and {{what}}.",
               explain="Project management then plans the how and when."),
         _card("y", "cloze", prompt="Product management defines the {{why}} and {{what}}.",
               any_order=True, explain="Project management then plans the how and when.")),
    Rule("gap-has-alternative",
         "A cloze that gaps the head of a definition (\"the {{strategic practice}} of …\") "
         "whose basic card also accepts another wording: the gapped words are not the only "
         "right ones.",
         _card("d", "basic", prompt="What is product management?", answer="The strategic "
               "practice of guiding a product from idea to launch and beyond.",
               also=["The discipline of guiding a product through its lifecycle."],
               explain="It balances customer needs, business goals and technology.")
         + _card("dc", "cloze", prompt="Product management is the {{strategic practice}} of "
                 "guiding a product from idea to launch and beyond.",
                 explain="It balances customer needs, business goals and technology."),
         _card("d", "basic", prompt="What is product management?", answer="The strategic "
               "practice of guiding a product from idea to launch and beyond.",
               also=["The discipline of guiding a product through its lifecycle."],
               explain="It balances customer needs, business goals and technology.")
         + _card("dc", "cloze", prompt="Product management is the strategic practice of "
                 "guiding a product from idea to {{launch}} and beyond.",
                 explain="It goes on after launch, as the product is improved.")),
    Rule("overloaded-answer",
         "A basic answer of more than 15 words with a set of three or more inside: two "
         "facts in one card.",
         _card("v", "basic", prompt="What is product management?", answer="The strategic "
               "practice of guiding a product from idea to launch and beyond, balancing "
               "customer needs, business goals, and technical realities.",
               explain="It goes on after launch."),
         _card("v", "basic", prompt="What is product management?", answer="The strategic "
               "practice of guiding a product from idea to launch and beyond.",
               explain="It goes on after launch.")),
    Rule("contrast-unrelated",
         "A classify explanation \"A. By contrast, B.\" whose two halves share no meaning "
         "(no word alike by stem or embedding, the category names left out).",
         _card("u", "classify", categories="lc", prompt="Tracks sales and profitability "
               "over time.", answer="Product life cycle", explain="The product life cycle "
               "tracks sales over time. By contrast, the product development lifecycle runs "
               "as a repeatable sequence."),
         _card("u", "classify", categories="lc", prompt="Tracks sales and profitability "
               "over time.", answer="Product life cycle", explain="The product life cycle "
               "tracks sales over time. By contrast, the product development lifecycle "
               "tracks the work of building, before any sales.")),
)
