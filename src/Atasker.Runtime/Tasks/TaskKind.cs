namespace Atasker;

/// <summary>Where a task's body runs.</summary>
public enum TaskKind
{
    /// <summary>On an <c>AsyncLoop</c>: the body is awaitable and its continuations stay on the loop's thread.</summary>
    Async = 0,

    /// <summary>On a thread the supervisor owns (never on the .NET ThreadPool), holding a slot until it returns.</summary>
    Thread = 1,

    /// <summary>In a long-lived worker process.</summary>
    Process = 2,
}
