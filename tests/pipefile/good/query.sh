echo ${dir} $$x > $out
exit 0
