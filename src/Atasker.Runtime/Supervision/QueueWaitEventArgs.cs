using System;

namespace Atasker;

/// <summary>A task has waited for a slot longer than a threshold (<see cref="TaskSupervisor.QueueWaitExceeded"/>).
/// The task is never killed for it.</summary>
public sealed class QueueWaitEventArgs : EventArgs
{
    internal QueueWaitEventArgs(TaskHandle handle, TimeSpan waited, QueueWaitLevel level, string pool)
    {
        Handle = handle;
        Waited = waited;
        Level = level;
        Pool = pool;
    }

    /// <summary>The task that waited.</summary>
    public TaskHandle Handle { get; }

    /// <summary>How long it had waited when this was raised.</summary>
    public TimeSpan Waited { get; }

    /// <summary>Which threshold it passed.</summary>
    public QueueWaitLevel Level { get; }

    /// <summary>The pool it waits in: "thread", "async" or "process".</summary>
    public string Pool { get; }
}
