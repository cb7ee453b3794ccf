using System;

namespace Atasker;

/// <summary>What a pool needs from its supervisor to report long queue waits.</summary>
internal interface IQueueWaitObserver
{
    /// <summary>The warning threshold in timestamp ticks; <see cref="long.MaxValue"/> when disabled.</summary>
    long WarningTicks { get; }

    /// <summary>The critical threshold in timestamp ticks; <see cref="long.MaxValue"/> when disabled.</summary>
    long CriticalTicks { get; }

    void OnQueueWait(TaskHandle task, TimeSpan waited, QueueWaitLevel level, string pool);
}
