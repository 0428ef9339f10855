package org.igdm.gateway.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.igdm.gateway.request.SendRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading batch files: CSV and JSON rows, what makes a file unreadable, and the content fingerprint. */
class BatchFileTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return write(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static List<FileRow> rows(BatchFile file) throws IOException {
        List<FileRow> rows = new ArrayList<>();
        try (BatchRows all = file.open()) {
            for (FileRow row = all.next(); row != null; row = all.next()) {
                rows.add(row);
            }
        }
        return rows;
    }

    private BatchFile inspect(String name, String content) throws IOException {
        return BatchFile.inspect(write(name, content), name);
    }

    @Test
    void csvWithBomReorderedAndExtraColumnsQuotesAndLineBreaks() throws IOException {
        BatchFile file = inspect("tricky.csv", "\uFEFFnote, Message ,RECIPIENT_ID,tag\r\n"
                + "x,\"Hi, there 😀\",111,\r\n"
                + "y,\"she said \"\"hi\"\"\nsecond line\",222,HUMAN_AGENT\r\n"
                + "\r\n"
                + "z,last,333,\r\n");

        assertThat(file.rows()).isEqualTo(3);
        assertThat(file.format()).isEqualTo(BatchFormat.CSV);
        assertThat(rows(file)).extracting(FileRow::number, FileRow::request).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1L, SendRequest.text("111", "Hi, there 😀")),
                org.assertj.core.groups.Tuple.tuple(2L, SendRequest.text("222", "she said \"hi\"\nsecond line").withTag("HUMAN_AGENT")),
                org.assertj.core.groups.Tuple.tuple(3L, SendRequest.text("333", "last")));
    }

    @Test
    void invalidCsvRowsSayWhyAndKeepWhatWasGiven() throws IOException {
        BatchFile file = inspect("mixed.csv", "recipient_id,message,idempotency_key\n12,ok,k1\nabc,,\n34\n");

        List<FileRow> rows = rows(file);
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).isValid()).isTrue();
        assertThat(rows.get(0).request().idempotencyKey()).isEqualTo("k1");
        assertThat(rows.get(1).invalid().getMessage()).contains("recipient_id must be 1-64 digits, got 'abc'", "message is required");
        assertThat(rows.get(1).request().recipientId()).isEqualTo("abc");
        assertThat(rows.get(2).invalid().getMessage()).isEqualTo("message is required and must not be empty");
    }

    @Test
    void csvWithoutTheRequiredColumnsIsUnreadable() {
        assertThatThrownBy(() -> inspect("noheader.csv", "12345,hello\n67890,bye\n"))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("the header row has no recipient_id (or comment_id) column and no message (or attachment_type) column")
                .hasMessageContaining("12345,hello");
        assertThatThrownBy(() -> inspect("half.csv", "recipient_id,text\n1,hi\n"))
                .hasMessageStartingWith("the header row has no message (or attachment_type) column");
        assertThatThrownBy(() -> inspect("twice.csv", "recipient_id,message,Message\n1,hi,ho\n"))
                .hasMessageContaining("names the column message twice (columns 2 and 3)");
    }

    @Test
    void emptyFilesAreUnreadable() {
        assertThatThrownBy(() -> inspect("empty.csv", "")).isInstanceOf(UnreadableFileException.class)
                .hasMessageStartingWith("the file is empty");
        assertThatThrownBy(() -> inspect("empty.json", " \n")).isInstanceOf(UnreadableFileException.class)
                .hasMessageStartingWith("the file is empty");
    }

    @Test
    void aHeaderAloneIsAFileWithoutRows() throws IOException {
        assertThat(inspect("header.csv", "recipient_id,message\n").rows()).isZero();
        assertThat(inspect("none.json", "[]").rows()).isZero();
    }

    @Test
    void nonUtf8IsUnreadableWhereverItIs() throws IOException {
        byte[] latin1 = "recipient_id,message\n1,ok\n2,Gr\u00fc\u00dfe\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> BatchFile.inspect(write("latin1.csv", latin1), "latin1.csv"))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("not UTF-8");
        byte[] json = "[{\"recipient_id\":\"1\",\"message\":\"Gr\u00fc\u00dfe\"}]".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> BatchFile.inspect(write("latin1.json", json), "latin1.json"))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageContaining("not UTF-8");
    }

    @Test
    void brokenCsvQuotingIsUnreadable() {
        assertThatThrownBy(() -> inspect("open.csv", "recipient_id,message\n1,ok\n2,\"never closed\n3,x\n"))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageStartingWith("not valid CSV after row 1");
        assertThatThrownBy(() -> inspect("junk.csv", "recipient_id,message\n1,\"quoted\"junk\n"))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageStartingWith("not valid CSV after row 0");
    }

    @Test
    void anUnclosedQuoteIsStoppedBeforeItSwallowsTheFile() throws IOException {
        StringBuilder csv = new StringBuilder("recipient_id,message\n1,ok\n2,\"never closed\n");
        while (csv.length() < 3 * RowText.MAX_ROW_CHARS) {
            csv.append("3,a row that the open quote swallows\n");
        }
        assertThatThrownBy(() -> inspect("runaway.csv", csv.toString()))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessage("the row after row 1 is longer than 1048576 characters: is a quote left open?");
        String json = "[{\"recipient_id\":\"1\",\"message\":\"" + "x".repeat(RowText.MAX_ROW_CHARS) + "\"}]";
        assertThatThrownBy(() -> inspect("huge.json", json))
                .hasMessage("the row after row 0 is longer than 1048576 characters: is a quote left open?");
    }

    @Test
    void csvAttachmentColumnsMakeMetasMessageObjectAndEachBadCellNamesItsColumn() throws IOException {
        BatchFile file = inspect("media.csv", "comment_id,recipient_id,attachment_type,attachment_url,message\n"
                + ",1,image,https://example.com/a.jpg,\n"
                + "77,,,,thanks\n"
                + ",2,gif,https://example.com/a.gif,\n"
                + ",3,MEDIA_SHARE,https://example.com/p,\n"
                + ",4,,https://example.com/a.jpg,\n"
                + ",5,like_heart,https://example.com/h,\n"
                + ",6,audio,,\n");

        List<FileRow> rows = rows(file);
        assertThat(rows.get(0).request().message().toString())
                .isEqualTo("{\"attachment\":{\"type\":\"image\",\"payload\":{\"url\":\"https://example.com/a.jpg\"}}}");
        assertThat(rows.get(1).request().commentId()).isEqualTo("77");
        assertThat(rows.get(1).request().recipientId()).isNull();
        assertThat(rows.subList(0, 2)).allMatch(FileRow::isValid);
        assertThat(rows.subList(2, 7)).extracting(row -> row.invalid().violations().stream().map(v -> v.field() + ": " + v.reason()).toList())
                .containsExactly(
                        List.of("attachment_type: attachment_type must be one of image, video, audio, file, like_heart in a CSV row"
                                + " (other kinds arrive as JSON), got 'gif'"),
                        List.of("attachment_type: attachment_type must be one of image, video, audio, file, like_heart in a CSV row"
                                + " (other kinds arrive as JSON), got 'MEDIA_SHARE'"),
                        List.of("attachment_type: attachment_url needs an attachment_type: one of image, video, audio, file, like_heart"),
                        List.of("attachment_url: a like_heart sticker takes no payload"),
                        List.of("attachment_url: attachment_url is required: an https URL"));
    }

    @Test
    void jsonArrayAndSingleObject() throws IOException {
        BatchFile array = inspect("a.json", "\uFEFF[{\"recipient_id\":\"1\",\"message\":\"un 😀\",\"extra\":true},"
                + "{\"recipient_id\":\"2\",\"message\":\"deux\",\"tag\":\"HUMAN_AGENT\",\"idempotency_key\":\"k2\"}]\n");
        assertThat(rows(array)).extracting(FileRow::request).containsExactly(
                SendRequest.text("1", "un 😀"), SendRequest.text("2", "deux").withTag("HUMAN_AGENT").withIdempotencyKey("k2"));

        BatchFile single = inspect("one.json", "{\"recipient_id\":\"7\",\"message\":\"seul\"}");
        assertThat(rows(single)).singleElement().satisfies(row -> {
            assertThat(row.number()).isEqualTo(1);
            assertThat(row.request()).isEqualTo(SendRequest.text("7", "seul"));
        });
    }

    @Test
    void invalidJsonElementsKeepTheirText() throws IOException {
        List<FileRow> rows = rows(inspect("m.json", "[{\"recipient_id\":\"1\",\"message\":\"ok\"}, 42, {\"recipient_id\":\"abc\",\"message\":\"x\"}]"));

        assertThat(rows.get(0).isValid()).isTrue();
        assertThat(rows.get(1).invalid().getMessage()).contains("expected a JSON object");
        assertThat(rows.get(1).input()).isEqualTo("42");
        assertThat(rows.get(2).isValid()).isFalse();
        assertThat(rows.get(2).input()).isEqualTo("{\"recipient_id\":\"abc\",\"message\":\"x\"}");
    }

    @Test
    void brokenJsonIsUnreadable() {
        assertThatThrownBy(() -> inspect("cut.json", "[{\"recipient_id\":\"1\",\"message\":\"ok\"},{\"recipient_id\":\"2\""))
                .isInstanceOf(UnreadableFileException.class)
                .hasMessageStartingWith("not valid JSON after row 1");
        assertThatThrownBy(() -> inspect("text.json", "\"just a string\""))
                .hasMessageContaining("one request object or an array of them");
        assertThatThrownBy(() -> inspect("two.json", "{\"recipient_id\":\"1\",\"message\":\"a\"} {\"x\":1}"))
                .hasMessageContaining("more content after the end of the object");
    }

    @Test
    void theFingerprintFollowsTheContentNotTheName() throws IOException {
        String content = "recipient_id,message\n1,hello\n";
        BatchFile first = inspect("a.csv", content);
        BatchFile again = inspect("b.csv", content);
        BatchFile other = inspect("c.csv", content + "2,bye\n");

        assertThat(first.fingerprint()).hasSize(16).isEqualTo(again.fingerprint()).isNotEqualTo(other.fingerprint());
        assertThat(first.derivedKey(1)).isEqualTo("file:" + first.fingerprint() + "#1");
        assertThat(first.source(1)).isEqualTo("file:a.csv#1");
    }
}
