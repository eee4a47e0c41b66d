from django.urls import path

from users import views

app_name = "users"

urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/two-factor/reset/", views.user_two_factor_reset, name="user_two_factor_reset"),
]
