using System;
using System.Buffers.Binary;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>What a frame between a parent and a worker process carries.</summary>
internal enum ProcessFrameKind : byte
{
    /// <summary>Worker to parent, once: protocol version and process id.</summary>
    Hello = 1,

    /// <summary>Parent to worker: task id, method id, arguments.</summary>
    Run = 2,

    /// <summary>Parent to worker: cancel the running task (its token is signalled).</summary>
    Cancel = 3,

    /// <summary>Worker to parent: the task's encoded result.</summary>
    Result = 4,

    /// <summary>Worker to parent: the body threw (type, message, stack).</summary>
    Fault = 5,

    /// <summary>Worker to parent: the body gave up on its cancellation token.</summary>
    Canceled = 6,

    /// <summary>Worker to parent: the task could not run at all (unknown id, undecodable arguments).</summary>
    Error = 7,
}

/// <summary>One frame: its kind, the task it concerns (0 for none) and its payload.</summary>
internal readonly record struct ProcessFrame(ProcessFrameKind Kind, long TaskId, ReadOnlyMemory<byte> Payload);

/// <summary>
/// Length-prefixed frames on a pipe: <c>int32 length | byte kind | int64 task id | payload</c>, little-endian, where
/// length counts everything after itself. A frame is at most <see cref="MaxFrameBytes"/>; anything else on the wire is
/// a <see cref="ProcessProtocolException"/>, and the end of the stream is <c>null</c>, never a hang.
/// </summary>
internal static class ProcessFrames
{
    /// <summary>The protocol both sides must speak.</summary>
    public const int ProtocolVersion = 1;

    /// <summary>The largest frame (arguments or result) a process task may send: 512 MiB (tests lower it).</summary>
    public static int MaxFrameBytes { get; set; } = DefaultMaxFrameBytes;

    /// <summary>512 MiB.</summary>
    public const int DefaultMaxFrameBytes = 512 * 1024 * 1024;

    private const int HeaderBytes = 4 + 1 + 8;
    private const int RunPrefixBytes = 8 + 4;

    /// <summary>Writes a frame (blocking: the dedicated threads that own a pipe's writes call it).</summary>
    /// <exception cref="ProcessFrameTooLargeException">The payload is over <see cref="MaxFrameBytes"/>; nothing was written.</exception>
    public static void Write(Stream stream, ProcessFrame frame)
    {
        ThrowIfTooLarge(frame.Payload.Length);
        stream.Write(Encode(frame));
        stream.Flush();
    }

    /// <summary>The payload of a task's Run frame: the method id and the length-prefixed arguments (the envelope of
    /// <see cref="RemoteTaskRequest.Body"/>).</summary>
    public static long RunPayloadBytes(byte[] arguments) => RunPrefixBytes + (long)arguments.Length;

    /// <summary>Writes a task's Run frame without copying large arguments into a frame first.</summary>
    /// <exception cref="ProcessFrameTooLargeException">The frame would be over <see cref="MaxFrameBytes"/>; nothing was written.</exception>
    public static void WriteRun(Stream stream, long taskId, ulong methodId, byte[] arguments)
    {
        long payload = RunPayloadBytes(arguments);
        ThrowIfTooLarge(payload);
        bool split = arguments.Length > 16 * 1024;
        var buffer = new byte[HeaderBytes + RunPrefixBytes + (split ? 0 : arguments.Length)];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, (int)(1 + 8 + payload));
        buffer[4] = (byte)ProcessFrameKind.Run;
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(5), taskId);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(HeaderBytes), methodId);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(HeaderBytes + 8), arguments.Length);
        if (split)
        {
            stream.Write(buffer);
            stream.Write(arguments);
        }
        else
        {
            arguments.CopyTo(buffer, HeaderBytes + RunPrefixBytes);
            stream.Write(buffer);
        }

        stream.Flush();
    }

    private static void ThrowIfTooLarge(long payload)
    {
        if (payload > MaxFrameBytes)
        {
            throw new ProcessFrameTooLargeException(payload, MaxFrameBytes);
        }
    }

    /// <summary>Reads one frame, blocking; null when the stream ended cleanly between frames.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The blocking view owns nothing: disposing it would not touch the pipe, which its owner disposes.")]
    public static ProcessFrame? Read(Stream stream) =>
        ReadAsync(new BlockingStream(stream)).GetAwaiter().GetResult();

    /// <summary>Reads one frame; null when the stream ended cleanly between frames.</summary>
    public static async Task<ProcessFrame?> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var header = new byte[HeaderBytes];
        int read = await ReadFullyAsync(stream, header, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        if (read < HeaderBytes)
        {
            throw new ProcessProtocolException($"The stream ended inside a frame header ({read} of {HeaderBytes} bytes).");
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(header);
        var kind = (ProcessFrameKind)header[4];
        if (length < 9 || length - 9 > MaxFrameBytes)
        {
            throw new ProcessProtocolException($"Invalid frame length {length} (a frame is 9 bytes of header and at most {MaxFrameBytes} bytes of data).");
        }

        if (kind is < ProcessFrameKind.Hello or > ProcessFrameKind.Error)
        {
            throw new ProcessProtocolException($"Unknown frame kind {(byte)kind}.");
        }

        var payload = new byte[length - 9];
        if (await ReadFullyAsync(stream, payload, cancellationToken).ConfigureAwait(false) < payload.Length)
        {
            throw new ProcessProtocolException($"The stream ended inside a {kind} frame.");
        }

        return new ProcessFrame(kind, BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(5)), payload);
    }

    private static byte[] Encode(ProcessFrame frame)
    {
        var buffer = new byte[HeaderBytes + frame.Payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, 1 + 8 + frame.Payload.Length);
        buffer[4] = (byte)frame.Kind;
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(5), frame.TaskId);
        frame.Payload.Span.CopyTo(buffer.AsSpan(HeaderBytes));
        return buffer;
    }

    private static async Task<int> ReadFullyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <summary>Makes the asynchronous reads above complete synchronously: one parser for both ways of reading.</summary>
    private sealed class BlockingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(inner.Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
