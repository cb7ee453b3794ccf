using System;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>Turns the constructors' delegates (which take no item) into worker bodies.</summary>
internal static class WorkerBodies
{
    public static WorkerBody<NoItem> From(Action<CancellationToken> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new WorkerBody<NoItem>((_, cancellationToken) => body(cancellationToken));
    }

    public static WorkerBody<NoItem> From(Func<CancellationToken, bool> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new WorkerBody<NoItem>((_, cancellationToken) => body(cancellationToken));
    }

    public static WorkerBody<NoItem> From(Func<CancellationToken, ValueTask> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new WorkerBody<NoItem>((_, cancellationToken) => body(cancellationToken));
    }

    public static WorkerBody<NoItem> From(Func<CancellationToken, ValueTask<bool>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new WorkerBody<NoItem>((_, cancellationToken) => body(cancellationToken));
    }

    /// <summary>The body of a subclass: its RunAsync override (which by default calls its Run).</summary>
    public static WorkerBody<NoItem> Overridden(Func<CancellationToken, ValueTask<bool>> runAsync) =>
        new((_, cancellationToken) => runAsync(cancellationToken));
}
