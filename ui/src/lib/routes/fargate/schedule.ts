// The service's scheduled actions as the form holds them: rows the user adds and removes, each a
// name, a UTC cron and the task bounds it sets from then on.
import type { ServiceScheduledAction } from "../../bindings";
import type { FargateForm } from "./form";

/**
 * One scheduled action. Application Auto Scaling sets only a minimum and a maximum at its time
 * (escala-aws's service_schedule.rs), so that is all the form asks for; numbers are null while
 * empty or unreadable, as the form's others.
 */
export interface ScheduleRow {
  name: string;
  /** Five fields in UTC: minute hour day-of-month month day-of-week. */
  cron: string;
  min: number | null;
  max: number | null;
}

/** The cron a new row starts with: weekdays at 08:00 UTC, the business hours schedules are for. */
export const WEEKDAY_MORNINGS = "0 8 * * 1-5";

/**
 * Adds a row the engine takes as it is, so a new row shows no error before the user has typed: a
 * name no other row has, weekday mornings, and the service's own bounds. Returns its index.
 */
export function addSchedule(form: FargateForm): number {
  const taken = new Set(form.scheduled.map((row) => row.name.trim()));
  let n = form.scheduled.length + 1;
  while (taken.has(`schedule-${n}`)) n++;
  form.scheduled.push({ name: `schedule-${n}`, cron: WEEKDAY_MORNINGS, min: form.min, max: form.max });
  return form.scheduled.length - 1;
}

export function removeSchedule(form: FargateForm, index: number): void {
  form.scheduled.splice(index, 1);
}

/**
 * The rows as the Spec's `scaling.scheduled`; called once the form has no unreadable number. The
 * Spec's `desired` is only checked to lie between the bounds, so it is the minimum, which always
 * does when the bounds are right.
 */
export function scheduledActions(rows: ScheduleRow[]): ServiceScheduledAction[] {
  return rows.map((row) => {
    const min = row.min ?? 0;
    return { name: row.name.trim(), cron: row.cron.trim(), tasks: { min, desired: min, max: row.max ?? 0 } };
  });
}
