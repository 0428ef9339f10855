package org.igdm.gateway.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What a batch file looked like when it was taken: its size and time stamp, compared again after it was read
 * to see whether a writer was still at it. Only regular files are batches: a symbolic link (which could point
 * anywhere on the host, /etc/shadow say) or a device is refused before a byte of it is read.
 */
record FileState(long size, FileTime modified) {

    static FileState of(Path path, String name) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new UnreadableFileException(name + " is " + (attributes.isSymbolicLink() ? "a symbolic link" : "not a regular file")
                    + ": the inbox takes regular files only, and nothing of it was read. Copy or move the batch itself into the inbox");
        }
        return new FileState(attributes.size(), attributes.lastModifiedTime());
    }
}
