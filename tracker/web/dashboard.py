"""(to be built)"""

from starlette.routing import BaseRoute

ROUTES: list[BaseRoute] = []
