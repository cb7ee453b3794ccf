using System.Collections.Generic;

namespace Atasker;

/// <summary>A task that has waited past a threshold, collected under a pool's lock and raised after it.</summary>
internal readonly record struct QueueWaitReport(TaskHandle Task, QueueWaitLevel Level, System.TimeSpan Waited)
{
    /// <summary>Adds a report unless <paramref name="task"/> was already reported at <paramref name="level"/>; the
    /// task's flags are updated, so call under the pool's lock.</summary>
    public static void AddIfNew(ref List<QueueWaitReport>? reports, TaskHandle task, QueueWaitLevel level, long now, SupervisorClock clock)
    {
        var flag = level == QueueWaitLevel.Warning ? QueueWaitReports.Warning : QueueWaitReports.Critical;
        if ((task.WaitReports & flag) != 0)
        {
            return;
        }

        task.WaitReports |= flag;
        (reports ??= new List<QueueWaitReport>()).Add(new QueueWaitReport(task, level, clock.Elapsed(task.EnqueuedTicks, now)));
    }
}
