using System;
using System.IO;
using System.IO.Pipes;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;

namespace Atasker;

/// <summary>
/// The connection between a parent and one worker process, opened without the .NET ThreadPool. On Windows it is a
/// named pipe (its synchronous wait for a connection is a blocking call). Elsewhere it is a Unix domain socket, because
/// <c>NamedPipeServerStream.WaitForConnection</c> there blocks on an asynchronous accept whose completion needs a
/// ThreadPool thread: a starved ThreadPool would keep every worker process from connecting. The socket is blocking, so
/// its accept, reads and writes are plain system calls on the caller's thread.
/// </summary>
/// <remarks>The address goes to the child in <see cref="ProcessWorker.PipeVariable"/>: a pipe name, or the socket's
/// path (rooted), which is how <see cref="Connect"/> tells them apart. Disposing the listener ends a blocked
/// <see cref="Accept"/>, and disposing the channel ends blocked reads, which is how a start's deadline stops waiting.</remarks>
internal sealed class ProcessChannel : IDisposable
{
    private readonly NamedPipeServerStream? _pipe;
    private readonly Socket? _listener;
    private Stream? _accepted;
    private int _disposed;
    private int _fileDeleted;

    private ProcessChannel(string address, NamedPipeServerStream? pipe, Socket? listener)
    {
        Address = address;
        _pipe = pipe;
        _listener = listener;
    }

    /// <summary>What the child is given to connect to.</summary>
    public string Address { get; }

    /// <summary>Listens for one worker process (before it is started).</summary>
    public static ProcessChannel Listen()
    {
        string name = $"atasker-{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}";
        if (OperatingSystem.IsWindows())
        {
            return new ProcessChannel(name, new NamedPipeServerStream(name, PipeDirection.InOut, 1, PipeTransmissionMode.Byte, PipeOptions.None), null);
        }

        string path = Path.Combine(Path.GetTempPath(), name + ".sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(1);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new ProcessChannel(path, null, listener);
    }

    /// <summary>Waits, blocking, for the worker process to connect; the stream to it.</summary>
    /// <exception cref="IOException">The wait was ended (the channel disposed) or the connection failed.</exception>
    public Stream Accept()
    {
        if (_pipe is not null)
        {
            _pipe.WaitForConnection();
            return _accepted = _pipe;
        }

        try
        {
            var socket = _listener!.Accept();
            var stream = new NetworkStream(socket, ownsSocket: true);
            if (Interlocked.CompareExchange(ref _accepted, stream, null) is not null || Volatile.Read(ref _disposed) != 0)
            {
                stream.Dispose();
                throw new IOException("The worker process's connection was closed by the start's deadline.");
            }

            return stream;
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
            throw new IOException($"Waiting for the worker process to connect ended: {error.Message}", error);
        }
        finally
        {
            DeleteSocketFile(); // connected or not, nobody else may connect to it
        }
    }

    /// <summary>Once the worker has connected and greeted: no one else may connect; the stream stays with its new
    /// owner, who disposes it.</summary>
    public void StopListening()
    {
        _listener?.Dispose();
        DeleteSocketFile();
    }

    /// <summary>The child's side: connects to <paramref name="address"/> (from <see cref="ProcessWorker.PipeVariable"/>).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The socket is owned by the returned stream, or disposed when the connection fails.")]
    public static Stream Connect(string address, TimeSpan timeout)
    {
        if (!Path.IsPathRooted(address) || OperatingSystem.IsWindows())
        {
            var pipe = new NamedPipeClientStream(".", address, PipeDirection.InOut);
            try
            {
                pipe.Connect(timeout);
                return pipe;
            }
            catch
            {
                pipe.Dispose();
                throw;
            }
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(address));
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException error)
        {
            socket.Dispose();
            throw new IOException($"Could not connect to the parent at {address}: {error.Message}", error);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _pipe?.Dispose();
        _listener?.Dispose();
        Interlocked.Exchange(ref _accepted, Stream.Null)?.Dispose();
        DeleteSocketFile();
    }

    /// <summary>Removes the socket's file once (after the accept, whichever way it went; later calls do nothing).</summary>
    private void DeleteSocketFile()
    {
        if (_listener is not null && Interlocked.Exchange(ref _fileDeleted, 1) == 0)
        {
            try
            {
                File.Delete(Address);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Left in the temp directory; harmless.
            }
        }
    }
}
