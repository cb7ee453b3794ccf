namespace Atasker;

/// <summary>How long a task has waited for a slot, against the supervisor's thresholds.</summary>
public enum QueueWaitLevel
{
    /// <summary>Waited longer than <see cref="TaskSupervisor.TimeoutWarning"/>.</summary>
    Warning = 1,

    /// <summary>Waited longer than <see cref="TaskSupervisor.TimeoutCritical"/>.</summary>
    Critical = 2,
}
