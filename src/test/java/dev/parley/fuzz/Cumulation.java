package dev.parley.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.lang.reflect.Method;

/** Reads how many bytes a decoder holds between reads; Netty keeps its cumulation buffer protected. */
final class Cumulation {

    private static final Method INTERNAL_BUFFER;

    static {
        try {
            INTERNAL_BUFFER = ByteToMessageDecoder.class.getDeclaredMethod("internalBuffer");
            INTERNAL_BUFFER.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Cumulation() {
    }

    static int buffered(ByteToMessageDecoder decoder) {
        try {
            return ((ByteBuf) INTERNAL_BUFFER.invoke(decoder)).readableBytes();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
