package org.igdm.gateway.file;

import org.igdm.gateway.request.InvalidRequestException;
import org.igdm.gateway.request.SendRequest;

/**
 * One row of a batch file: a valid request, or the reason it is not one.
 *
 * @param number  1 for the first row after the CSV header, or the first element of a JSON array
 * @param request the request (validated when {@code invalid} is null; as given otherwise, or null when the
 *                row could not even be mapped to the request's fields)
 * @param input   for an unmappable row, the row's own text, so that the failed record shows what arrived
 * @param invalid every rule the row breaks, or null
 */
public record FileRow(long number, SendRequest request, String input, InvalidRequestException invalid) {

    public static FileRow valid(long number, SendRequest request) {
        return new FileRow(number, request, null, null);
    }

    public static FileRow invalid(long number, SendRequest given, String input, InvalidRequestException why) {
        return new FileRow(number, given, input, why);
    }

    public boolean isValid() {
        return invalid == null;
    }
}
