from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from forces.selectors import forces_visible_to
from inspections.selectors import get_visible_or_404


def force_list(request: HttpRequest) -> HttpResponse:
    return render(request, "forces/force_list.html", {"forces": forces_visible_to(user=request.user)})


def force_detail(request: HttpRequest, slug: str) -> HttpResponse:
    force = get_visible_or_404(forces_visible_to(user=request.user), slug=slug)
    return render(request, "forces/force_detail.html", {"force": force})
