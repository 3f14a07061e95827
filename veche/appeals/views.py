"""Pages of problems and appeals for residents."""

from django.shortcuts import get_object_or_404, render

from veche.appeals.models import Problem


def problem_detail(request, pk: int):
    problem = get_object_or_404(Problem, pk=pk)
    return render(request, "appeals/problem.html", {"problem": problem})
