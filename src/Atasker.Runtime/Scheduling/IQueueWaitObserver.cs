using System;

namespace Atasker;

/// <summary>Where a pool reports tasks that waited past a threshold (its supervisor).</summary>
internal interface IQueueWaitObserver
{
    void OnQueueWait(TaskHandle task, TimeSpan waited, QueueWaitLevel level, string pool);
}
