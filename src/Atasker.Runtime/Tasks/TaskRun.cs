using System;
using System.Diagnostics;

namespace Atasker;

/// <summary>
/// The one way an admitted task runs, for every kind (thread, async, process, remote). <see cref="Begin"/> moves the
/// task to Started, unless it was canceled while it waited, and makes its activity current on the calling thread;
/// the run then owns the task's slot and that trace scope. <see cref="End"/> ends the task exactly once, whoever calls
/// it and however often: it gives the slot back, then publishes the outcome. A runner ends a task no other way.
/// </summary>
/// <remarks>A value type, so that a thread task's trip allocates nothing for it; copies share the task, whose own
/// guard makes the end happen once.</remarks>
internal readonly struct TaskRun
{
    private readonly TaskHandle.TraceScope _trace;

    private TaskRun(TaskHandle task, bool begun, TaskHandle.TraceScope trace)
    {
        Task = task;
        Begun = begun;
        _trace = trace;
    }

    /// <summary>The task this run ends.</summary>
    public TaskHandle Task { get; }

    /// <summary>Whether the task began (it was not canceled while it waited). A run that did not begin must still be
    /// ended, as Canceled, to give its slot back.</summary>
    public bool Begun { get; }

    /// <summary>Begins an admitted task at <paramref name="now"/> (its start time; never before it was queued).</summary>
    public static TaskRun Begin(TaskHandle task, long now)
    {
        bool begun = task.TryBegin(now);
        return new TaskRun(task, begun, begun ? task.StartTrace() : default);
    }

    /// <summary>Puts back the activity the calling thread had before <see cref="Begin"/>; the task's own activity goes
    /// on until the task ends. Harmless to call twice.</summary>
    public void LeaveTrace() => _trace.End();

    /// <summary>
    /// Ends the task with <paramref name="outcome"/> (<paramref name="failure"/> when Faulted): the slot is given back,
    /// then the outcome published. Only the first end of a task counts; a later one returns null and changes nothing.
    /// </summary>
    /// <returns>With <paramref name="takeNext"/>, the next task the pool admitted into the freed slot, for the caller to
    /// run at once (a thread's hand-off).</returns>
    public TaskHandle? End(TaskState outcome, Exception? failure, long now, bool takeNext = false)
    {
        Debug.Assert(Task is not null, "A run ended that never began.");
        Debug.Assert(Begun || outcome == TaskState.Canceled, "A task that did not begin can only end Canceled.");
        return Task.EndOnce(outcome, outcome == TaskState.Faulted ? failure : null, now, takeNext);
    }
}
