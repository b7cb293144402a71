"""A study session, in rooms: the queue plan (`plan`), the loop that asks and records
(`loop`), the in-session actions (`actions`) and the summary (`summary`)."""

from pmquiz.session.actions import ACTIONS, Step
from pmquiz.session.loop import Clock, Editor, Study, StudyUI, judge
from pmquiz.session.plan import Plan, plan_session
from pmquiz.session.summary import Summary

__all__ = ["ACTIONS", "Clock", "Editor", "Plan", "Step", "Study", "StudyUI", "Summary", "judge",
           "plan_session"]
