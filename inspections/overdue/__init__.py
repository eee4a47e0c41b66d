"""The overdue engine: the clocks that flag what is late (`clocks`), the alerts that tell the force
(`alerts`), the reminders before a target (`reminders`), the digests (`digests`), and the periodic
job that runs them in order (`sweep`). Writes only; tasks and the `sweep` command call these.
docs/overdue-engine.md describes the design."""
