"""The Leadership desk's services: who owns what (portfolios, the RACI) and where the
leadership team's logged time goes (time allocation, the SRSG's political share, delegation
suggestions, the handover view).

- `portfolios`: portfolios, the DOMAIN.md defaults, the RACI cells and their validation.
- `time`: hours per member from the engagement log (SQL aggregates), the SRSG's share and
  its monthly trend, delegation suggestions with their effect, the handover view.

No Qt, and no user-visible text: codes with parameters the UI words with tr().
"""

from missiondesk.services.leadership.portfolios import (
    DEFAULT_PORTFOLIOS,
    AssignmentView,
    DefaultPortfolio,
    PortfolioRow,
    RaciIssue,
    RaciMatrix,
    add_default_portfolios,
    create_portfolio,
    delete_portfolio,
    list_portfolios,
    objective_choices,
    raci_issues,
    raci_matrix,
    remove_portfolios,
    restore_portfolio,
    restore_portfolios,
    set_raci,
    update_portfolio,
)
from missiondesk.services.leadership.time import (
    Handover,
    MemberHours,
    ShareFigure,
    Suggestion,
    TimeAllocation,
    delegation_suggestions,
    handover,
    srsg_share,
    srsg_share_for_brief,
    time_allocation,
)

__all__ = [
    "DEFAULT_PORTFOLIOS", "AssignmentView", "DefaultPortfolio", "Handover", "MemberHours",
    "PortfolioRow", "RaciIssue", "RaciMatrix", "ShareFigure", "Suggestion", "TimeAllocation",
    "add_default_portfolios", "create_portfolio", "delegation_suggestions", "delete_portfolio",
    "handover", "list_portfolios", "objective_choices", "raci_issues", "raci_matrix",
    "remove_portfolios", "restore_portfolio", "restore_portfolios", "set_raci", "srsg_share",
    "srsg_share_for_brief", "time_allocation", "update_portfolio",
]
