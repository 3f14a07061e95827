"""A deputy takes one demo problem up publicly: the potholes in the yard on Pushkin Street."""

from veche.appeals import services
from veche.appeals.models import Problem, TakeUp
from veche.demo.appeals import PROBLEMS

DEPUTY = "kazan-deputy-galiev"
LETTER = (
    "Ко мне как к депутату округа обратились жители дома 12 по улице Пушкина. Я осмотрел двор: "
    "ямы глубокие, после дождя их не видно, а по двору ходят дети и проезжает скорая помощь. "
    "Поддерживаю коллективное обращение жителей и прошу включить ремонт покрытия двора в план "
    "работ этого сезона, а о сроках сообщить жителям и мне."
)


def load_take_ups(organizations, people) -> int:
    """The deputy's letter in support of the first demo problem (once)."""
    problem = Problem.objects.filter(title=PROBLEMS[0][4]).first()
    deputy = organizations[DEPUTY]
    if problem is not None and not TakeUp.objects.filter(problem=problem, organization=deputy):
        services.take_up_problem(
            official=people["deputy@demo.veche.example"],
            problem=problem,
            organization=deputy,
            text=LETTER,
        )
    return TakeUp.objects.count()
