using System;
using System.IO;
using System.Threading;

namespace Atasker;

/// <content>How frames reach a worker process: the writer thread sends Run and Cancel frames in order, and a small Run
/// frame given to an idle worker is written by the thread that gives it; either way a frame is marked delivered once
/// written, and a write that fails reports the worker lost.</content>
internal sealed partial class ProcessWorker
{
    /// <summary>Whether the thread giving <paramref name="assignment"/> may write its Run frame itself (under the lock):
    /// a small frame, nothing else being written or waiting to be (so frames keep their order), and a Unix socket,
    /// whose buffer takes it whole (a Windows pipe's write may wait for the reader). Tests that hold the writer thread
    /// (<see cref="RunWritten"/>) keep every frame on it.</summary>
    private bool CanWriteInline(Assignment assignment) =>
        !OperatingSystem.IsWindows() && !_writing && _cancels.Count == 0 && RunWritten is null
        && assignment.Task.Arguments.Length <= InlineArgumentBytes;

    /// <summary>The writer thread: sends Run and Cancel frames as they come, until the worker is lost.</summary>
    private void WriteFrames()
    {
        while (true)
        {
            Assignment? run = null;
            long cancel = 0;
            lock (_gate)
            {
                // Writing here means the thread that gave a task is writing its Run frame: this thread waits for it.
                while (_lostReason is null && (_writing || (_delivery != Delivery.Queued && _cancels.Count == 0)))
                {
                    Monitor.Wait(_gate);
                }

                if (_lostReason is not null)
                {
                    return; // the reader, or Close, reports what the worker had
                }

                // A queued Run frame goes first: a cancel of that task must reach the worker after it (the worker
                // ignores a cancel for a task it does not run), and a cancel of an earlier task is late anyway.
                if (_delivery == Delivery.Queued)
                {
                    run = _assignment;
                    _delivery = Delivery.Writing;
                }
                else
                {
                    cancel = _cancels.Dequeue();
                }

                _writing = true;
            }

            if (!TryWrite(run, cancel))
            {
                return;
            }

            if (run is null)
            {
                lock (_gate)
                {
                    _writing = false;
                }
            }
            else
            {
                RunWritten?.Invoke(this, run.Task.Handle);
                if (!MarkDelivered(run))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Writes <paramref name="run"/>'s Run frame, or else a Cancel frame for task <paramref name="cancel"/>,
    /// on the writer thread or on the thread that gave the task (see <see cref="Run"/>). False when the worker is gone:
    /// then it is reported lost, and a Run frame that could not be written never reached it.</summary>
    private bool TryWrite(Assignment? run, long cancel)
    {
        try
        {
            if (run is not null)
            {
                var task = run.Task;
                ProcessFrames.WriteRun(_pipe, task.Handle.Id, task.MethodId, task.Arguments);
            }
            else
            {
                ProcessFrames.Write(_pipe, new ProcessFrame(ProcessFrameKind.Cancel, cancel, ReadOnlyMemory<byte>.Empty));
            }

            return true;
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            Lose($"Worker process {ProcessId} could not be written to: {error.Message}", error, byWriter: true);
            return false;
        }
    }

    /// <summary>After <paramref name="run"/>'s Run frame was written (by either writer): marks it delivered, lets the next
    /// frame be written (the writer thread may wait for an inline write), and reports the worker lost when its pipe
    /// ended meanwhile (then the frame may have been read, and false is returned).</summary>
    private bool MarkDelivered(Assignment run)
    {
        bool lost;
        lock (_gate)
        {
            // The reply may have been read already, and the next task given to this worker (Queued): only the task just
            // written is marked delivered, so the next one is still written.
            if (_assignment == run && _delivery == Delivery.Writing)
            {
                _delivery = Delivery.Delivered;
            }

            _writing = false;
            Monitor.PulseAll(_gate);

            lost = _lostReason is not null && _assignment == run;
            if (lost)
            {
                _assignment = null;
            }
        }

        if (lost)
        {
            // The reader saw the pipe end while this frame was being written: it may have been read.
            _owner.OnLost(this, run, delivered: true, _lostReason!, _lostCause!);
        }

        return !lost;
    }
}
