# Lists, the dashboard's companions, exports, inspection pages.
urlpatterns: list = []
