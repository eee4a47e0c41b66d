# An item's page and its actions, findings, follow-up reviews.
urlpatterns: list = []
