using System;
using System.ComponentModel;
using System.Threading;

namespace Atasker.CompilerServices;

/// <summary>
/// What the generator knows about a <c>[BackgroundTask]</c> method, passed to <see cref="TaskLauncher"/> by the
/// generated <c>StartX</c> stubs. Not meant to be written by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1815", Justification = "Generated stubs pass it along; it is never compared.")]
public readonly struct TaskMethodInfo
{
    /// <summary>Describes a task method.</summary>
    /// <param name="name">The name used in diagnostics, e.g. <c>Reports.Build</c>.</param>
    /// <param name="priority">The attribute's priority.</param>
    /// <param name="delaySeconds">The attribute's delay in seconds.</param>
    /// <param name="observesCancellation">Whether the body takes the task's <see cref="CancellationToken"/>.</param>
    /// <param name="kind">Where the body runs.</param>
    /// <param name="loop">The async loop an async body runs on; null for the default loop.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delaySeconds"/> is negative, NaN or too large.</exception>
    public TaskMethodInfo(string name, TaskPriority priority = TaskPriority.Normal, double delaySeconds = 0, bool observesCancellation = false, TaskKind kind = TaskKind.Thread, string? loop = null)
    {
        Name = name;
        Priority = priority;
        Delay = ToDelay(delaySeconds, name);
        ObservesCancellation = observesCancellation;
        Kind = kind;
        Loop = loop;
    }

    /// <summary>The async loop an async body runs on; null for the default loop.</summary>
    public string? Loop { get; }

    /// <summary>Where the body runs.</summary>
    public TaskKind Kind { get; }

    /// <summary>The name used in diagnostics.</summary>
    public string Name { get; }

    /// <summary>The default priority.</summary>
    public TaskPriority Priority { get; }

    /// <summary>The default delay.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Whether the body takes the task's token (so one must be created for it).</summary>
    public bool ObservesCancellation { get; }

    private static TimeSpan ToDelay(double seconds, string name)
    {
        if (double.IsNaN(seconds) || seconds < 0 || seconds > TaskSupervisor.MaxDelay.TotalSeconds)
        {
            throw new ArgumentOutOfRangeException(
                nameof(seconds),
                seconds,
                $"Task '{name}': Delay must be between 0 and {TaskSupervisor.MaxDelay.TotalSeconds} seconds.");
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
