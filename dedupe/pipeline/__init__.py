"""The steps of a run, as functions of a :class:`~dedupe.plan.RunPlan` and a piece of work.

Every executor (in this process or a pool, :mod:`dedupe.executors.local`; on Dask,
:mod:`dedupe.distributed`; against an index, :mod:`dedupe.index.batch`) runs these same steps
and differs only in how it groups their inputs: pass 1 per chunk (:mod:`.pass1`), the merged
pass-1 output and the duplicate-id rule (:mod:`.signed`), candidates, verification,
clustering with representatives and the kept documents (:mod:`.steps`), the candidate
documents read again (:mod:`.pass2`), and the counts and facts of the report (:mod:`.report`).
"""
