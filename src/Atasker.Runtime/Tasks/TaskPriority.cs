namespace Atasker;

/// <summary>How important a task is, in ascending order. Decides when a task may take a pool slot.</summary>
/// <remarks>
/// With pool limits <c>(P, RN, RH)</c>: <see cref="Low"/> starts while fewer than P tasks are active,
/// <see cref="Normal"/> while fewer than P + RN, <see cref="High"/> while fewer than P + RN + RH, and
/// <see cref="Critical"/> starts at once whatever the count. Waiting tasks start in priority order, FIFO within one.
/// </remarks>
public enum TaskPriority
{
    /// <summary>Uses only the base pool; waits while any more important task is waiting.</summary>
    Low = 0,

    /// <summary>The default. May also use the normal reserve.</summary>
    Normal = 1,

    /// <summary>May use both reserves.</summary>
    High = 2,

    /// <summary>Never waits for a slot; still counts toward the pool's active total.</summary>
    Critical = 3,
}
