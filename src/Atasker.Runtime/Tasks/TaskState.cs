namespace Atasker;

/// <summary>Where a task is in its life. The numbers follow atasker's task statuses.</summary>
/// <remarks>
/// A task moves <see cref="Delayed"/> → <see cref="Queued"/> → <see cref="Started"/> → one of
/// <see cref="Completed"/>, <see cref="Faulted"/> or <see cref="Canceled"/>; a delayed or queued task may also go
/// straight to <see cref="Canceled"/>. Every task reaches one of the three final states.
/// </remarks>
public enum TaskState
{
    /// <summary>Final: canceled before it ran, or its body gave up on its cancellation token.</summary>
    Canceled = -1,

    /// <summary>Waiting for a pool slot (or admitted and about to begin).</summary>
    Queued = 0,

    /// <summary>Waiting for its delay to pass; it holds no slot and is not queued yet.</summary>
    Delayed = 2,

    /// <summary>Its body is running.</summary>
    Started = 100,

    /// <summary>Final: its body returned.</summary>
    Completed = 200,

    /// <summary>Final: its body threw; the exception is on <see cref="TaskHandle.Exception"/>.</summary>
    Faulted = 300,
}
