using System;

namespace Atasker;

/// <summary>
/// The size of a pool and its two reserves. Low tasks may use <see cref="PoolSize"/> slots, Normal tasks
/// <see cref="PoolSize"/> + <see cref="ReserveNormal"/>, High tasks both reserves as well; Critical tasks never wait.
/// A <see cref="PoolSize"/> of 0 means no limit for any priority.
/// </summary>
/// <param name="PoolSize">Slots for every priority; 0 for no limit. Must not be negative.</param>
/// <param name="ReserveNormal">Extra slots for Normal and higher. Must not be negative.</param>
/// <param name="ReserveHigh">Extra slots for High and higher. Must not be negative.</param>
public readonly record struct PoolLimits(int PoolSize, int ReserveNormal = 0, int ReserveHigh = 0)
{
    /// <summary>Slots for every priority; 0 for no limit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int PoolSize { get; init; } = NotNegative(PoolSize, nameof(PoolSize));

    /// <summary>Extra slots for Normal and higher priorities.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int ReserveNormal { get; init; } = NotNegative(ReserveNormal, nameof(ReserveNormal));

    /// <summary>Extra slots for High and higher priorities.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int ReserveHigh { get; init; } = NotNegative(ReserveHigh, nameof(ReserveHigh));

    /// <summary>True when the pool admits every task at once (<see cref="PoolSize"/> is 0).</summary>
    public bool IsUnlimited => PoolSize == 0;

    /// <summary>How many tasks may be active when a task of <paramref name="priority"/> starts; long, so three
    /// large limits never overflow.</summary>
    internal long CeilingFor(TaskPriority priority) => priority switch
    {
        TaskPriority.Low => PoolSize,
        TaskPriority.Normal => (long)PoolSize + ReserveNormal,
        TaskPriority.High => (long)PoolSize + ReserveNormal + ReserveHigh,
        _ => long.MaxValue,
    };

    /// <inheritdoc />
    public override string ToString() => IsUnlimited
        ? "unlimited"
        : $"{PoolSize} + {ReserveNormal} normal + {ReserveHigh} high";

    internal static int NotNegative(int value, string name) => value >= 0
        ? value
        : throw new ArgumentOutOfRangeException(name, value, $"{name} must be 0 or more (0 pool size means no limit).");
}
