from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from forces.models import Force


def force_list(request: HttpRequest) -> HttpResponse:
    return render(request, "forces/force_list.html", {"forces": Force.objects.all()})


def force_detail(request: HttpRequest, slug: str) -> HttpResponse:
    force = get_object_or_404(Force, slug=slug)
    return render(request, "forces/force_detail.html", {"force": force})
