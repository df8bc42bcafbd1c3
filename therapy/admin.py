"""Django admin of the therapy app: deliberately empty.

Sessions, attendance, groups and their members are clinical records of patients: they are written only through the
services (rules, audit rows, versions) and read only by the care team or the group's facility clinicians. The admin
role manages staff accounts and facilities; an admin page here would show patients to it without either check.
"""
