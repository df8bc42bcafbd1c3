"""Writes of the return-to-work checklists (recommendations 8.1, 8.6–8.11, 8.15, 8.16, 10.3, 10.4).

An item of a checklist that applies to the stay is recorded as done or not applicable, with a date and a note. The
entries are append-only: a correction is a new entry, the latest counts, and the earlier ones stay visible.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.models import Stay
from reintegration import checklists
from reintegration.errors import ChecklistRefused
from reintegration.models import ChecklistEntry, ChecklistState
from wmr import audit


def checklist_record(
    *, by, stay: Stay, item: str, state: str, on: dt.date, note: str = "", today: dt.date | None = None
) -> ChecklistEntry:
    """Record ``item`` as done or not applicable on ``on`` (a new entry; the latest counts).

    Refused for an item that does not apply to the stay (now), a date in the future or before the admission, and
    "not applicable" without a note saying why."""
    from reintegration.selectors_checklists import stay_checklist_facts

    today = today or timezone.localdate()
    catalogue_item = checklists.ITEMS_BY_KEY.get(item)
    if catalogue_item is None or catalogue_item not in checklists.applicable_items(stay_checklist_facts(stay)):
        raise ChecklistRefused(_("This checklist item does not apply to this stay (any more)."))
    if on > today:
        raise ChecklistRefused(_("The date lies in the future."))
    if on < stay.admission_date:
        raise ChecklistRefused(
            _("The date cannot lie before the admission on %(date)s.") % {"date": f"{stay.admission_date:%d.%m.%Y}"}
        )
    note = note.strip()
    if state == ChecklistState.NOT_APPLICABLE and not note:
        raise ChecklistRefused(_("Please say in the note why the item does not apply."))
    with transaction.atomic():
        entry = ChecklistEntry(stay=stay, item=item, state=state, on=on, note=note, recorded_by=by)
        entry.full_clean()
        entry.save()
        audit.log(
            entry,
            "reintegration.checklist.recorded",
            user=by,
            data={"item": item, "rec": catalogue_item.rec, "state": state, "on": on.isoformat()},
        )
    return entry
