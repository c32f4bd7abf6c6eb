"""Whether clients have a history with a week or a class, asked before anything is deleted.

The catalogue knows nothing of clients, so the apps that do (the client's program) register a
check here: `register(check)`, where `check(week_or_class)` returns sentences such as "3 clients
have done it". Content with any such sentence is archived, never deleted, from the admin.
"""

_checks = []


def register(check) -> None:
    if check not in _checks:
        _checks.append(check)


def client_history(content) -> list[str]:
    return [reason for check in _checks for reason in check(content)]
