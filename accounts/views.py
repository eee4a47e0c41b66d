from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def profile(request: HttpRequest) -> HttpResponse:
    forces = request.user.liaison_forces.order_by("name")
    return render(request, "accounts/profile.html", {"forces": forces})
