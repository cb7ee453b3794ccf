using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace Atasker;

/// <summary>
/// The context of an <see cref="AsyncLoop"/>'s thread: whatever is posted to it (an <c>await</c>'s continuation in
/// particular) runs on that thread, one callback at a time.
/// </summary>
internal sealed class LoopSynchronizationContext(AsyncLoop loop) : SynchronizationContext
{
    public AsyncLoop Loop { get; } = loop;

    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        Loop.Post(d, state);
    }

    /// <summary>Runs <paramref name="d"/> on the loop's thread and waits for it (inline when already there).</summary>
    public override void Send(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (Loop.IsLoopThread)
        {
            d(state);
            return;
        }

        var call = new SentCall(d, state);
        Loop.Post(static call => ((SentCall)call!).Run(), call);
        call.Done.Wait();
        call.Failure?.Throw();
    }

    // One context per loop: the awaits of its tasks compare contexts by reference to resume inline.
    public override SynchronizationContext CreateCopy() => this;

    private sealed class SentCall(SendOrPostCallback callback, object? state)
    {
        public ManualResetEventSlim Done { get; } = new();

        public ExceptionDispatchInfo? Failure { get; private set; }

        public void Run()
        {
            try
            {
                callback(state);
            }
#pragma warning disable CA1031 // Rethrown on the sending thread.
            catch (Exception error)
#pragma warning restore CA1031
            {
                Failure = ExceptionDispatchInfo.Capture(error);
            }

            Done.Set();
        }
    }
}
