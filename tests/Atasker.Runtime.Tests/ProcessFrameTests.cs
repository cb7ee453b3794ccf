using System.Buffers.Binary;

namespace Atasker.Runtime.Tests;

public sealed class ProcessFrameTests
{
    [Fact]
    public async Task A_frame_round_trips_and_a_clean_end_is_null()
    {
        using var stream = new MemoryStream();
        ProcessFrames.Write(stream, new ProcessFrame(ProcessFrameKind.Result, 42, new byte[] { 1, 2, 3 }));
        stream.Position = 0;

        var frame = await ProcessFrames.ReadAsync(stream);

        Assert.Equal(ProcessFrameKind.Result, frame!.Value.Kind);
        Assert.Equal(42, frame.Value.TaskId);
        Assert.Equal(new byte[] { 1, 2, 3 }, frame.Value.Payload.ToArray());
        Assert.Null(await ProcessFrames.ReadAsync(stream));
    }

    [Theory]
    [InlineData(new byte[] { 13, 0, 0 }, "header")]
    [InlineData(new byte[] { 255, 255, 255, 255, 4, 0, 0, 0, 0, 0, 0, 0, 0 }, "length")]
    [InlineData(new byte[] { 9, 0, 0, 0, 99, 0, 0, 0, 0, 0, 0, 0, 0 }, "kind")]
    [InlineData(new byte[] { 20, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2 }, "inside")]
    public async Task A_malformed_frame_is_a_protocol_error_naming_the_problem(byte[] bytes, string problem)
    {
        using var stream = new MemoryStream(bytes);

        var error = await Assert.ThrowsAsync<ProcessProtocolException>(() => ProcessFrames.ReadAsync(stream));

        Assert.Contains(problem, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_frame_larger_than_the_limit_is_refused_before_reading_it()
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32LittleEndian(header, ProcessFrames.MaxFrameBytes + 10);
        header[4] = (byte)ProcessFrameKind.Run;
        using var stream = new MemoryStream(header);

        await Assert.ThrowsAsync<ProcessProtocolException>(() => ProcessFrames.ReadAsync(stream));
    }
}
